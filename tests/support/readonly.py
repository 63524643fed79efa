"""Run a command with one directory read-only, as on a read-only file system (a mounted backup,
a container's read-only volume): a read-only bind mount in a mount namespace of the command's
own, so nothing outside it changes and nothing is left behind if the test dies.

    subprocess.run([*read_only_prefix(state_dir), sys.executable, "-m", ...])
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: ``sh -c`` script: bind ``$0`` onto itself read-only, then run the command.
_BIND_READ_ONLY = 'mount --bind -o ro "$0" "$0" && exec "$@"'


def read_only_prefix(directory: Path) -> list[str]:
    """The words to put before a command so that it sees ``directory`` read-only (``EROFS``).

    As root, a mount namespace of its own; otherwise a user namespace too (``unshare -r``). A
    machine that allows neither skips the test that asked."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) to make a read-only mount")
    unshare = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "-r", "--mount"]
    probe = subprocess.run(
        [*unshare, "sh", "-c", _BIND_READ_ONLY, str(directory), "true"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if probe.returncode != 0:
        pytest.skip(f"this machine cannot make a read-only mount: {probe.stderr.strip()}")
    return [*unshare, "sh", "-c", _BIND_READ_ONLY, str(directory)]
