"""Waits that a stop signal ends (``newscrawl/stopping.py``): a Redis reconnect's back-off and
a Retry-After, which would otherwise hold a graceful stop for minutes."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.commands.inspect import INSPECT
from newscrawl.stopping import SIGNALS, STOP, StopSignals, wait, wait_async


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


def test_handlers_go_in_front_of_scrapys_in_a_run_of_the_job_and_the_main_thread_only() -> None:
    """``scrapy shell`` runs its reactor in a thread of its own, where Python refuses signal
    handlers; shell and parse are not runs of the job and take none."""
    with pytest.raises(NotConfigured):
        StopSignals.from_crawler(get_crawler(settings_dict={INSPECT: True}))
    extension = StopSignals(get_crawler())
    saved = {number: signal.getsignal(number) for number in SIGNALS}
    errors: list[BaseException] = []

    def scrapys(number: int, frame: object) -> None:
        """Scrapy's handler, which ours go in front of."""

    def install_in_a_thread() -> None:
        try:
            extension.install()
        except BaseException as error:  # a ValueError here was the bug
            errors.append(error)

    try:
        for number in SIGNALS:
            signal.signal(number, scrapys)
        thread = threading.Thread(target=install_in_a_thread)
        thread.start()
        thread.join()
        assert errors == [] and all(signal.getsignal(n) is scrapys for n in SIGNALS)
        extension.install()  # the main thread, as in scrapy crawl
        assert all(signal.getsignal(n) not in (scrapys, None) for n in SIGNALS)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
