"""--workers N: several processes serve the same site on one port; publishing is refused."""

from __future__ import annotations

from pathlib import Path

from newscrawl_replica.testing import ReplicaServer
from tests.support.wait import wait_until


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_workers_serve_the_same_bytes() -> None:
    with ReplicaServer(articles=80, extra_args=["--workers", "2"]) as replica:
        assert replica.process is not None
        workers = children(replica.process.pid)
        assert len(workers) == 1
        pages = {replica.get("/news/politics").body for _ in range(20)}
        assert len(pages) == 1
        assert len(replica.truth()) == 80
        assert replica.get("/__replica__/publish?new=1", method="POST").status == 409
    # Stopping the replica stops its workers too.
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers),
               "the replica's workers gone", timeout=30)  # fmt: skip
