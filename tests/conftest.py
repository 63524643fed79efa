"""Shared fixtures: replicas of the site on 127.0.0.1 (free ports), started once per session."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawl.browser.config import DEFAULT_PATH, PATH_SETTING
from newscrawl.frontier.testing import RedisServer
from newscrawl.state.store import CrawlState
from newscrawl_replica.testing import ReplicaServer


@pytest.fixture(scope="session")
def replica_factory() -> Iterator[Callable[..., ReplicaServer]]:
    """Start a replica with the given options (``ReplicaServer`` arguments); each distinct set
    of options is started once per session and stopped at its end."""
    started: dict[tuple[tuple[str, Any], ...], ReplicaServer] = {}

    def start(**options: Any) -> ReplicaServer:
        key = tuple(sorted(options.items()))
        if key not in started:
            started[key] = ReplicaServer(**options).start()
        return started[key]

    yield start
    for server in started.values():
        server.stop()


@pytest.fixture(scope="session")
def replica_en(replica_factory: Callable[..., ReplicaServer]) -> ReplicaServer:
    """The English edition, 500 articles of every type and both layouts."""
    return replica_factory(edition="en", articles=500)


@pytest.fixture(scope="session")
def replica_ar(replica_factory: Callable[..., ReplicaServer]) -> ReplicaServer:
    """The Arabic edition, 300 real articles."""
    return replica_factory(edition="ar", articles=300)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server for one test: 127.0.0.1, a free port, a temporary directory, AOF on."""
    with RedisServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "redis"])
def open_state(request: pytest.FixtureRequest) -> Callable[[Path], CrawlState]:
    """Opens a crawl state directory with each backend in turn (``newscrawl.state.backend``)."""
    if request.param == "sqlite":
        return CrawlState
    from newscrawl.state.redis_store import RedisCrawlState

    server: RedisServer = request.getfixturevalue("redis_server")
    client = server.client()
    claims = ("test:claims:fingerprint", "test:claims:post_id")
    return lambda directory: RedisCrawlState(directory, client, "test:state", claims=claims)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The headless Chromium the project installs (``make browser``)."""
    path = os.environ.get(PATH_SETTING) or DEFAULT_PATH
    if not os.access(path, os.X_OK):
        pytest.fail(f"Chromium is required for these tests: run `make browser` ({path} missing)")
    return path
