"""Start a replica in a subprocess for tests and benchmarks.

    with ReplicaServer(edition="en", articles=500, seed=1) as replica:
        requests to replica.base_url ...
        replica.truth()          # the ground truth, one dict per article
        replica.publish(3, 2)    # {"new": [...], "edited": [...]}

The server binds port 0 and reports the port it got, so servers can run side by side.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import quote, urlsplit

import jsonlines

_READY = re.compile(r"on http://127\.0\.0\.1:(\d+) ")


class ReplicaError(RuntimeError):
    pass


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(
    base_url: str,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Answer:
    """One plain HTTP request: no redirect following, no cookies, the body read as sent."""
    parts = urlsplit(base_url)
    if not path.isascii():
        path = quote(path, safe="/:?&=%+")
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return Answer(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


class ReplicaServer:
    def __init__(
        self,
        edition: str = "en",
        articles: int = 500,
        seed: int = 1,
        listing: str = "static",
        challenge: str = "off",
        faults: str = "none",
        truth: bool = True,
        extra_args: Sequence[str] = (),
        start_timeout: float = 120.0,
    ) -> None:
        self.edition = edition
        self.articles = articles
        self.seed = seed
        self.listing = listing
        self.challenge = challenge
        self.faults = faults
        self.want_truth = truth
        self.extra_args = tuple(extra_args)
        self.start_timeout = start_timeout
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.truth_path: Path | None = None
        self.output: list[str] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def get(
        self,
        path: str,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        method: str = "GET",
    ) -> Answer:
        """One request to this replica, GET by default (see ``fetch``)."""
        return fetch(self.base_url, path, method=method, headers=headers, timeout=timeout)

    def command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "newscrawl_replica",
            "serve",
            "--port",
            "0",
            "--articles",
            str(self.articles),
            "--seed",
            str(self.seed),
            "--edition",
            self.edition,
            "--listing",
            self.listing,
            "--challenge",
            self.challenge,
            "--faults",
            self.faults,
        ]
        if self.truth_path is not None:
            cmd += ["--truth", str(self.truth_path)]
        return cmd + list(self.extra_args)

    def start(self) -> ReplicaServer:
        if self.want_truth:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="replica-")
            self.truth_path = Path(self._tmpdir.name) / "truth.jsonl"
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        deadline = time.monotonic() + self.start_timeout
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                self.stop()
                raise ReplicaError("replica exited before serving:\n" + "".join(self.output))
            self.output.append(line)
            m = _READY.search(line)
            if m:
                self.port = int(m.group(1))
                break
            if time.monotonic() > deadline:
                self.stop()
                raise ReplicaError("replica did not start in time:\n" + "".join(self.output))
        threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()
        try:
            self.health()
        except Exception:
            self.stop()
            raise
        return self

    def _drain(self, stream: IO[str]) -> None:
        for line in stream:
            self.output.append(line)

    def health(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url("/__replica__/health"), timeout=10) as resp:
            data: dict[str, Any] = json.load(resp)
        return data

    def stop(self, timeout: float = 10.0) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def wait_truth(self, timeout: float = 300.0) -> Path:
        """The truth file, once written (the server writes it in the background at start-up)."""
        if self.truth_path is None:
            raise ReplicaError("this replica was started with truth=False")
        deadline = time.monotonic() + timeout
        while not self.truth_path.exists():
            if self.process is not None and self.process.poll() is not None:
                raise ReplicaError("replica exited:\n" + "".join(self.output))
            if time.monotonic() > deadline:
                raise ReplicaError(f"no truth file after {timeout}s")
            time.sleep(0.05)
        return self.truth_path

    def truth(self) -> list[dict[str, Any]]:
        """Every truth line, parsed."""
        with jsonlines.open(self.wait_truth()) as reader:
            return list(reader.iter(type=dict))

    def set_latency(self, seconds: float) -> None:
        """From now on, answer each article page after ``seconds`` (0: at once)."""
        req = urllib.request.Request(
            self.url(f"/__replica__/latency?seconds={seconds:g}"), method="POST"
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()

    def held(self) -> int:
        """Article requests the replica is holding back right now (``set_latency``)."""
        return int(json.loads(self.get("/__replica__/stats").body)["held"])

    def publish(self, new: int = 0, edit: int = 0) -> dict[str, list[str]]:
        """Publish ``new`` and edit ``edit`` articles; returns the affected URLs. The truth file is
        rewritten before this returns."""
        req = urllib.request.Request(
            self.url(f"/__replica__/publish?new={new}&edit={edit}"), method="POST"
        )
        with urllib.request.urlopen(req, timeout=600) as resp:
            data: dict[str, list[str]] = json.load(resp)
        return data
