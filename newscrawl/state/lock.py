"""One run of a job at a time: an exclusive ``flock`` on a file in the state directory.

The lock belongs to the open file description, so the kernel drops it when the process dies,
``kill -9`` included: a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from newscrawl.state.store import NOT_WRITABLE, StateNotWritable


class JobAlreadyRunning(RuntimeError):
    """Another process holds the job's lock."""


class RunLock:
    """An exclusive, non-blocking lock on ``{state_dir}/run.lock``.

    The file also carries the holder's pid, for the message a refused run prints.
    """

    FILENAME = "run.lock"

    def __init__(self, state_dir: Path | str) -> None:
        self.path = Path(state_dir) / self.FILENAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in NOT_WRITABLE:
                raise StateNotWritable(self.path.parent, exc) from None
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise JobAlreadyRunning(
                f"another run of this job is in progress (pid {holder or 'unknown'} holds "
                f"{self.path}); refusing to start a second one"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # Closing the descriptor drops the lock; the file stays, so that no second process
        # can lock a different inode of the same name in between.
        os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
