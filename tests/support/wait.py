"""Waiting on a running process by its progress, never by the clock.

A test that acts on a running crawl (kills it, stops it, samples it) waits for something the
crawl did: a feed line, a log line, a file. The deadline only turns a hang into a clear failure;
what the test waits for is the progress itself.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: How often the condition is looked at (it is a file read or a Redis call: cheap).
EVERY = 0.05


def wait_until(
    condition: Callable[[], T],
    what: str,
    *,
    timeout: float,
    proc: subprocess.Popen[str] | subprocess.Popen[bytes] | None = None,
) -> T:
    """Wait until ``condition()`` is true and return its value. Fails, naming ``what``, when
    ``proc`` (the process that should make the progress) ends first or after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if proc is not None:
            assert proc.poll() is None, f"the process ended before {what}"
        assert time.monotonic() < deadline, f"no {what} after {timeout:.0f} s"
        time.sleep(EVERY)
    return value
