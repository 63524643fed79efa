"""Waits that a stop signal ends (``newscrawl/stopping.py``): a Redis reconnect's back-off and
a Retry-After, which would otherwise hold a graceful stop for minutes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from newscrawl.stopping import STOP, wait, wait_async


@pytest.fixture
def stop_soon() -> Iterator[None]:
    """A stop asked for from another thread while the test waits (as a signal handler would)."""
    timer = threading.Timer(0.2, STOP.set)
    timer.start()
    yield
    timer.cancel()
    STOP.clear()


@pytest.mark.timeout(60)
def test_a_wait_ends_when_a_stop_is_asked_for(stop_soon: None) -> None:
    assert wait(300) is True  # the 300 s default of NEWSCRAWL_REDIS_RETRY_SECONDS
    assert wait(300) is True  # and any wait after it ends at once


@pytest.mark.timeout(60)
def test_an_async_wait_ends_when_a_stop_is_asked_for(stop_soon: None) -> None:
    assert asyncio.run(wait_async(120)) is True  # NEWSCRAWL_RETRY_AFTER_MAX's default


def test_without_a_stop_a_wait_lasts_its_time() -> None:
    assert wait(0.05) is False and asyncio.run(wait_async(0.05)) is False
