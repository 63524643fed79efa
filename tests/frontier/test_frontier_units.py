"""The frontier's parts on their own: the compact hash set, the dupefilter and the scheduler's
spill directory, with Scrapy's real scheduler, queues and request fingerprinter."""

from __future__ import annotations

import random
from pathlib import Path

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from newscrawl.frontier.hashes import MERGE_AT, HashSet, UrlSet, url_hash
from newscrawl.frontier.scheduler import CompactDupeFilter, DiskFrontierScheduler


def test_hash_set_is_exact_across_merges() -> None:
    rng = random.Random(3)
    values = [rng.getrandbits(64) for _ in range(5 * MERGE_AT + 17)]
    hashes = HashSet()
    for value in values:
        assert hashes.add(value)
        assert value in hashes
    assert not hashes.add(values[0]) and not hashes.add(values[-1])
    assert len(hashes) == len(set(values))
    assert all(value in hashes for value in values)
    absent = [rng.getrandbits(64) for _ in range(2000)]
    assert not any(value in hashes for value in set(absent) - set(values))
    assert sorted(hashes) == sorted(values)
    assert "not an int" not in hashes


def test_url_set_adds_once_and_hashes_are_stable() -> None:
    urls = UrlSet(["https://english.almayadeen.net/tags/Gaza"])
    assert "https://english.almayadeen.net/tags/Gaza" in urls
    assert not urls.add("https://english.almayadeen.net/tags/Gaza")
    assert urls.add("https://english.almayadeen.net/tags/Iran")
    assert len(urls) == 2
    # A documented, process-independent hash (BLAKE2b), not Python's salted ``hash``.
    assert url_hash("") == 0xE4A6A0577479B2B4
    assert url_hash("a") != url_hash("b")


def _crawler(tmp_path: Path, **settings: object) -> object:
    base = {
        "SCHEDULER": "newscrawl.frontier.scheduler.DiskFrontierScheduler",
        "DUPEFILTER_CLASS": "newscrawl.frontier.scheduler.CompactDupeFilter",
        "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
    }
    return get_crawler(Spider, {**base, **settings})


def test_dupefilter_keeps_short_fingerprints_and_its_jobdir_file(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path, JOBDIR=str(tmp_path / "job"))
    first = CompactDupeFilter.from_crawler(crawler)  # type: ignore[arg-type]
    assert not first.request_seen(Request("http://127.0.0.1/a"))
    assert first.request_seen(Request("http://127.0.0.1/a"))
    assert not first.request_seen(Request("http://127.0.0.1/b"))
    first.close("shutdown")
    # A kill may leave half a record at the end of the file: the resumed run drops it.
    with (tmp_path / "job" / "frontier.seen").open("ab") as seen:
        seen.write(b"\x01\x02\x03")
    # A resumed run reads the job's frontier.seen file.
    again = CompactDupeFilter.from_crawler(crawler)  # type: ignore[arg-type]
    assert again.request_seen(Request("http://127.0.0.1/b"))
    assert not again.request_seen(Request("http://127.0.0.1/c"))
    assert len(again) == 3
    again.close("finished")


def _drain(scheduler: DiskFrontierScheduler) -> list[str]:
    urls = []
    while (request := scheduler.next_request()) is not None:
        urls.append(request.url)
    return urls


def test_scheduler_spills_to_the_job_keeps_priorities_and_cleans_up(tmp_path: Path) -> None:
    state = tmp_path / "state"
    stale = state / "frontier-left-by-a-killed-run"
    stale.mkdir(parents=True)
    # (The downloader-aware queue Scrapy uses by default needs a running engine: the plain
    # priority queue is the one it wraps per download slot.)
    crawler = _crawler(tmp_path, SCHEDULER_PRIORITY_QUEUE="scrapy.pqueues.ScrapyPriorityQueue")
    spider = Spider("s")
    spider.crawler = crawler  # type: ignore[assignment]
    crawler.spider = spider  # type: ignore[attr-defined]
    scheduler = DiskFrontierScheduler.from_crawler(crawler)  # type: ignore[arg-type]
    scheduler.open(spider)
    assert not stale.exists()
    assert scheduler.spill_dir is not None and scheduler.spill_dir.parent == state
    for n in range(50):
        scheduler.enqueue_request(Request(f"http://127.0.0.1/listing/{n}", priority=0))
        scheduler.enqueue_request(Request(f"http://127.0.0.1/article/{n}", priority=20))
    assert not scheduler.enqueue_request(Request("http://127.0.0.1/article/7", priority=20))
    assert crawler.stats.get_value("scheduler/enqueued/disk") == 100  # type: ignore[attr-defined]
    assert len(scheduler) == 100
    order = _drain(scheduler)
    assert all("/article/" in url for url in order[:50])  # articles before listings
    assert sorted(order) == sorted(
        [f"http://127.0.0.1/listing/{n}" for n in range(50)]
        + [f"http://127.0.0.1/article/{n}" for n in range(50)]
    )
    scheduler.close("finished")
    assert not scheduler.spill_dir.exists()


def test_scheduler_keeps_memory_queue_when_asked_and_jobdir_when_set(tmp_path: Path) -> None:
    memory = DiskFrontierScheduler.from_crawler(  # type: ignore[arg-type]
        _crawler(tmp_path, NEWSCRAWL_FRONTIER_ON_DISK=False)
    )
    assert memory.dqdir is None and memory.spill_dir is None
    jobdir = tmp_path / "job"
    with_jobdir = DiskFrontierScheduler.from_crawler(  # type: ignore[arg-type]
        _crawler(tmp_path, JOBDIR=str(jobdir))
    )
    assert with_jobdir.spill_dir is None
    assert with_jobdir.dqdir == str(jobdir / "requests.queue")


def test_sitemap_requests_get_their_own_slot_of_one_download(tmp_path: Path) -> None:
    from scrapy.http import HtmlResponse
    from scrapy.settings import Settings

    from newscrawl.addon import install_components
    from newscrawl.discovery.meta import LINK_KIND, LinkKind
    from newscrawl.frontier.sitemaps import SITEMAP_SLOT, SitemapSlotMiddleware

    settings = Settings()
    install_components(settings)
    assert settings.getdict("DOWNLOAD_SLOTS")[SITEMAP_SLOT] == {"concurrency": 1}
    crawler = get_crawler(Spider, {"NEWSCRAWL_SITEMAP_SLOT": settings["NEWSCRAWL_SITEMAP_SLOT"]})
    middleware = SitemapSlotMiddleware.from_crawler(crawler)
    sitemap = Request("http://127.0.0.1/sitemaps/all/sitemap-2024-7.xml",
                      meta={LINK_KIND: LinkKind.SITEMAP})  # fmt: skip
    article = Request("http://127.0.0.1/news/politics/a", meta={LINK_KIND: LinkKind.ARTICLE})
    response = HtmlResponse("http://127.0.0.1/sitemaps/all.xml", body=b"")
    out = list(middleware.process_spider_output(response, [sitemap, article, {"item": 1}]))
    assert out == [sitemap, article, {"item": 1}]
    assert sitemap.meta["download_slot"] == SITEMAP_SLOT
    assert "download_slot" not in article.meta
