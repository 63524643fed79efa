"""Fixtures for the replica's tests: real replica processes on free loopback ports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from newscrawl_replica.testing import ReplicaServer


@pytest.fixture(scope="package")
def en_replica() -> Iterator[ReplicaServer]:
    with ReplicaServer(edition="en", articles=300, seed=1) as replica:
        yield replica


@pytest.fixture(scope="package")
def en_truth(en_replica: ReplicaServer) -> list[dict[str, Any]]:
    return en_replica.truth()
