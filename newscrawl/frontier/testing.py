"""Start a throw-away ``redis-server`` for tests and benchmarks.

    with RedisServer() as server:        # 127.0.0.1, a free port, a temporary directory
        server.url                       # redis://127.0.0.1:PORT/0
        server.restart()                 # stop and start again on the same port and files

Persistence is AOF with ``appendfsync always`` (every write on disk before it is answered), so
a restart keeps every key.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

REDIS_SERVER = "redis-server"


class RedisServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    def __init__(self, appendonly: bool = True, start_timeout: float = 30.0) -> None:
        self.appendonly = appendonly
        self.start_timeout = start_timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def dir(self) -> Path:
        assert self._tmpdir is not None
        return Path(self._tmpdir.name)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=0)

    def start(self) -> RedisServer:
        executable = shutil.which(REDIS_SERVER)
        if executable is None:
            raise RedisServerError("redis-server is not installed: run `make redis`")
        if self._tmpdir is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="redis-")
            self.port = free_port()
        cmd = [
            executable, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.dir),
            "--save", "", "--protected-mode", "yes", "--logfile", str(self.dir / "redis.log"),
            "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "always",
        ]  # fmt: skip
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                if self.client().ping():
                    return self
            except redis.ConnectionError:
                pass
            except redis.BusyLoadingError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (
                    (self.dir / "redis.log").read_text()
                    if (self.dir / "redis.log").exists()
                    else ""
                )
                self.stop()
                raise RedisServerError(f"redis-server did not start:\n{log[-2000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """Stop the server at once (SIGKILL): what ``appendfsync always`` wrote is kept."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self, down_seconds: float = 0.0) -> None:
        self.kill()
        time.sleep(down_seconds)
        self.start()

    def stop(self) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.process = None

    def close(self) -> None:
        self.stop()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def memory_used(self) -> int:
        info = self.client().info("memory")
        return int(info["used_memory"])

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
