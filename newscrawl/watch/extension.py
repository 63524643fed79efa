"""The watch itself: keeps the run alive, polls on time, publishes the feed, keeps health beating.

- The first time the spider goes idle, the incremental pass is over: the feed is published, the
  policy starts watching (:meth:`IncrementalPolicy.start_watching`) and two timers start: the
  polls every ``every`` seconds and the publication, at most every
  ``NEWSCRAWL_WATCH_PUBLISH_SECONDS``, as soon as the articles the last polls led to are in.
  Every idle raises :class:`~scrapy.exceptions.DontCloseSpider`, so the run ends only when it
  is stopped (SIGTERM / SIGINT: Scrapy's graceful stop, which publishes the feed as any run's
  end does).
- A stop does not wait for what is under way: on :data:`~newscrawl.stopping.stop_requested`
  the timers stop and every request in the downloader is failed at once
  (:func:`~newscrawl.stopping.cut_downloads`: never sent, or its transfer cancelled), so the
  graceful stop only finishes parsing the pages already downloaded, publishes the feed and
  saves the state; the articles cut off are fetched again at the next start.
- A round of polls is skipped when the hourly budget (``NEWSCRAWL_WATCH_BUDGET_PER_HOUR``)
  cannot pay for it; robots.txt and Crawl-delay apply to polls as to every request.
- Each publication window rewrites the health file (``X.health.json``, ``mode: watch``) and the
  Prometheus textfile, and raises (then clears) two alerts: polls failing for
  ``NEWSCRAWL_WATCH_ALERT_FAILING_SECONDS``, and nothing new for longer than the site's usual
  quiet (``NEWSCRAWL_WATCH_QUIET_FACTOR`` times it, at least
  ``NEWSCRAWL_WATCH_QUIET_MIN_SECONDS``), learned from the job's history
  (:mod:`newscrawl.watch.quiet`). The quiet counts from the last new article the job saw, in
  this run or, for a restarted watch, before it (the crawl state's newest ``first_seen``).
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from prometheus_client import CollectorRegistry, Gauge, write_to_textfile
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from twisted.internet import threads
from twisted.internet.defer import Deferred, succeed
from twisted.internet.task import LoopingCall

from newscrawl.components import disabled
from newscrawl.config import crawl_settings
from newscrawl.dates import parse_iso
from newscrawl.discovery.args import CrawlArgs
from newscrawl.discovery.meta import WATCH, WATCH_POLL
from newscrawl.discovery.watch import poll_urls
from newscrawl.monitors.actions import post_webhook
from newscrawl.monitors.run import health_path, job_name
from newscrawl.output.delivery import EXIT_STAT
from newscrawl.output.feeds import write_text_atomic
from newscrawl.output.rotation import exporter_for
from newscrawl.state.session import session_for
from newscrawl.stopping import cut_downloads, stop_requested
from newscrawl.watch.quiet import UsualQuiet
from newscrawl.watch.state import WatchState, open_watch_state

logger = logging.getLogger(__name__)

#: Polls go before the articles still being fetched: a round is a handful of small requests.
PRIORITY_POLL = 30
#: Seconds between two looks at whether the feed is due for publication and the health for
#: its window.
TICK = 1.0


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WatchExtension:
    def __init__(self, crawler: Crawler, args: CrawlArgs, state: WatchState) -> None:
        config = crawl_settings(crawler.settings)
        self.crawler = crawler
        self.state = state
        self.every = args.every
        self.publish_every = config.watch_publish_seconds
        self.failing_alert = config.watch_alert_failing_seconds
        self.quiet_min = config.watch_quiet_min_seconds
        self.quiet_factor = config.watch_quiet_factor
        self.quiet = UsualQuiet(config.watch_quiet_history_days, config.watch_quiet_percentile)
        self.urls = poll_urls(args)
        self.polls = LoopingCall(self.poll)
        self.publications = LoopingCall(self.tick)
        self.last_published = self.last_health = time.monotonic()
        self.started = time.time()
        #: This window's new and updated records, and the seconds from each new article's
        #: publication (as its page gives it) to the feed's publication.
        self.window_records = 0
        self.window_latencies: list[float] = []
        self.pending_published: list[datetime] = []
        self.records = 0
        self.last_new: float | None = None
        self.alerts: dict[str, str] = {}
        self.checkpoint_every = config.watch_checkpoint_seconds
        self.last_checkpoint = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        args = CrawlArgs.from_settings(crawler.settings)
        if args.mode != "watch":
            raise disabled(cls, "not a watch (-a mode=watch)")
        budget = crawl_settings(crawler.settings).watch_budget_per_hour
        ext = cls(crawler, args, open_watch_state(crawler, budget))
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.stop_requested, signal=stop_requested)
        return ext

    # -- keeping the run alive ---------------------------------------------------------------

    def spider_idle(self, spider: Spider) -> None:
        if not self.state.watching and self.crawler.crawling:
            self.start_watching()
        raise DontCloseSpider

    def start_watching(self) -> None:
        self.state.watching = True
        session = session_for(self.crawler)
        if session is not None and session.policy is not None and session.state is not None:
            newest = parse_iso(session.state.newest_article_date())
            session.policy.start_watching(newest)
        logger.info(
            "Watch: the incremental pass is over; polling %d pages every %gs, publishing the "
            "feed every %gs, at most %d requests an hour",
            len(self.urls),
            self.every,
            self.publish_every,
            self.state.budget_per_hour,
        )
        published = self.publish()
        published.addCallback(lambda _: self.checkpoint())
        published.addCallback(lambda _: self.learn_history())
        published.addCallback(lambda _: self.start_timers())
        published.addErrback(lambda failure: logger.error("Watch: %s", failure.getTraceback()))

    def start_timers(self) -> None:
        if self.crawler.crawling:
            for loop, seconds, now in ((self.polls, self.every, True),
                                       (self.publications, TICK, False)):  # fmt: skip
                ended = loop.start(seconds, now=now)
                ended.addErrback(lambda f: logger.error("Watch stopped: %s", f.getTraceback()))

    def learn_history(self) -> None:
        """Seed the site's usual quiet and the last new article from the crawl state (which
        holds the pass's articles too, its feed being published)."""
        session = session_for(self.crawler)
        if session is None or session.state is None:
            return
        state = session.state
        self.quiet.add(state.published_within(self.quiet.days))
        seen = parse_iso(state.last_new_seen())
        if seen is not None and (self.last_new is None or seen.timestamp() > self.last_new):
            self.last_new = seen.timestamp()
        usual = self.quiet.seconds()
        logger.info(
            "Watch: the site's usual quiet is %s (from %d publication times of the job's "
            "history); the quiet alert comes after %.0fs without a new article",
            "unknown" if usual is None else f"{usual:.0f}s",
            len(self.quiet.published),
            self.quiet_limit,
        )

    def checkpoint(self) -> None:
        """Record the run so far (its feed published) in the crawl state: a restart after a
        kill then pages back only to its high-water mark."""
        session = session_for(self.crawler)
        exporter = exporter_for(self.crawler)
        if session is None or (exporter is not None and exporter.pending):
            return  # records came meanwhile: the next publication checkpoints
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        args = CrawlArgs.from_settings(self.crawler.settings)
        session.checkpoint(partial=args.limited, delivered=EXIT_STAT not in stats)
        self.last_checkpoint = time.monotonic()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.stop_timers()

    def stop_timers(self) -> None:
        for loop in (self.polls, self.publications):
            if loop.running:
                loop.stop()

    def stop_requested(self) -> None:
        """A stop signal: no more polls or publications in between (the run's end publishes
        the feed), and nothing under way is waited for."""
        self.stop_timers()
        cut = cut_downloads(self.crawler)
        logger.info(
            "Watch: stopping; %d requests under way dropped (fetched again at the next start)",
            cut,
        )

    # -- polls -------------------------------------------------------------------------------

    def poll(self) -> None:
        if not self.crawler.crawling or self.crawler.engine is None:
            return
        self.state.forget_stale()
        current = self.state.current_sitemap
        urls = self.urls + ([current] if current else [])
        left = self.state.budget_left()
        if left < len(urls):
            self._count("rounds_skipped/budget")
            logger.warning(
                "Watch: round skipped, %d of the hourly budget of %d requests left",
                left,
                self.state.budget_per_hour,
            )
            return
        self._count("rounds")
        for url in urls:
            request = Request(
                url,
                dont_filter=True,
                priority=PRIORITY_POLL,
                meta={WATCH: WATCH_POLL, "handle_httpstatus_list": [304]},
            )
            self.crawler.engine.crawl(request)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/watch/{key}")

    # -- records and publication -------------------------------------------------------------

    def item_scraped(self, item: Any, spider: Spider) -> None:
        item = ItemAdapter(item)
        self.window_records += 1
        self.records += 1
        if item.get("version") == 1:
            self.last_new = time.time()
            self.quiet.add([(item.get("url"), item.get("date_published"))])
            published = parse_iso(item.get("date_published"))
            if published is not None:
                self.pending_published.append(published)

    def tick(self) -> Deferred[Any] | None:
        """Every second: publish the feed when it holds anything and the last publication is
        ``NEWSCRAWL_WATCH_PUBLISH_SECONDS`` old, as soon as the articles the last polls led to
        are in (or once it is twice that old); rewrite the health once a window."""
        now = time.monotonic()
        if now - self.last_health >= self.publish_every:
            self.last_health = now
            try:
                self.write_health()
            except OSError:
                logger.exception("Watch: could not write the health of this window")
            self.window_records = 0
        exporter = exporter_for(self.crawler)
        age = now - self.last_published
        settled = not self.state.in_flight or age >= 2 * self.publish_every
        if exporter is not None and exporter.pending and age >= self.publish_every and settled:
            return self.publish()
        return None

    def publish(self) -> Deferred[Any]:
        """Publish the feed when it holds anything, and once in a while
        (``NEWSCRAWL_WATCH_CHECKPOINT_SECONDS``) checkpoint the run; fires once the feed is
        published."""
        exporter = exporter_for(self.crawler)
        published: Deferred[Any] = succeed(None)
        self.last_published = time.monotonic()
        if exporter is not None and exporter.pending:
            published = exporter.publish()
            now = datetime.now(UTC)
            self.window_latencies = [(now - p).total_seconds() for p in self.pending_published]
            self.pending_published = []
            self._count("publications")
        due = time.monotonic() - self.last_checkpoint >= self.checkpoint_every
        if self.state.watching and self.polls.running and due:
            published.addCallback(lambda _: self.checkpoint())
        return published

    # -- health ------------------------------------------------------------------------------

    @property
    def quiet_limit(self) -> float:
        usual = self.quiet.seconds()
        return self.quiet_min if usual is None else max(self.quiet_min, self.quiet_factor * usual)

    def figures(self) -> dict[str, Any]:
        state = self.state
        latencies = self.window_latencies
        return {
            "every_seconds": self.every,
            "window_seconds": self.publish_every,
            "last_successful_poll": _iso(state.last_good_poll),
            "polls": state.polls,
            "polls_not_modified": state.not_modified,
            "polls_failed": state.poll_failures,
            "failing_since": _iso(state.failing_since),
            "records_last_window": self.window_records,
            "records": self.records,
            "last_new_article": _iso(self.last_new),
            "usual_quiet_seconds": self.quiet.seconds(),
            "quiet_limit_seconds": self.quiet_limit,
            "errors": sum(
                value
                for key, value in (
                    self.crawler.stats.get_stats() if self.crawler.stats else {}
                ).items()
                if key.startswith("newscrawl/errors/")
            ),
            "requests_last_hour": state.requests_last_hour(),
            "budget_per_hour": state.budget_per_hour,
            "publish_latency_seconds": {
                "median": statistics.median(latencies) if latencies else None,
                "max": max(latencies) if latencies else None,
            },
        }

    def _errors(self) -> int:
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        return sum(value for key, value in stats.items() if key.startswith("newscrawl/errors/"))

    def check_alerts(self, figures: dict[str, Any]) -> None:
        now = time.time()
        failing = self.state.failing_since
        conditions = {
            "polls_failing": (
                failing is not None and now - failing >= self.failing_alert,
                f"polls have failed for {0 if failing is None else now - failing:.0f}s "
                f"({self.state.poll_failures} failed polls)",
            ),
            "nothing_new": (
                now - (self.last_new or self.started) > self.quiet_limit,
                f"nothing new for {now - (self.last_new or self.started):.0f}s, longer than the "
                f"site's usual quiet ({self.quiet_limit:.0f}s)",
            ),
        }
        for name, (raised, message) in conditions.items():
            if raised and name not in self.alerts:
                self.alerts[name] = message
                self.alert("failed", f"newscrawl watch {job_name(self.crawler)}: {message}")
            elif not raised and name in self.alerts:
                del self.alerts[name]
                self.alert("recovered", f"newscrawl watch {job_name(self.crawler)}: {name} "
                           "recovered")  # fmt: skip

    def alert(self, status: str, text: str) -> None:
        (logger.error if status == "failed" else logger.info)("Watch alert: %s", text)
        url = self.crawler.settings.get("NEWSCRAWL_ALERT_WEBHOOK_URL")
        if not url:
            return
        payload = {"text": text, "job": job_name(self.crawler), "status": status,
                   "health_file": str(health_path(self.crawler) or "")}  # fmt: skip
        timeout = self.crawler.settings.getfloat("NEWSCRAWL_ALERT_TIMEOUT", 10.0)
        sending = threads.deferToThread(post_webhook, str(url), payload, timeout)
        sending.addErrback(lambda failure: logger.error("Watch alert not sent: %s", failure.value))

    def write_health(self) -> None:
        figures = self.figures()
        self.check_alerts(figures)
        report = {
            "job": job_name(self.crawler),
            "mode": "watch",
            "healthy": not self.alerts,
            "alerts": self.alerts,
            "updated_at": _iso(time.time()),
            "watch": figures,
        }
        path = health_path(self.crawler)
        if path is not None:
            write_text_atomic(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        prometheus = self.crawler.settings.get("NEWSCRAWL_PROMETHEUS_FILE")
        if prometheus:
            write_watch_prometheus(Path(prometheus), report)


def write_watch_prometheus(path: Path, report: dict[str, Any]) -> None:
    """The watch's figures for node_exporter's textfile collector (written atomically)."""
    registry = CollectorRegistry()
    job = report["job"]
    figures = report["watch"]

    def gauge(name: str, doc: str, value: float | None, **labels: str) -> None:
        if value is None:
            return
        metric = Gauge(name, doc, ["job", *labels], registry=registry)
        metric.labels(job=job, **labels).set(value)

    last = parse_iso(figures["last_successful_poll"])
    gauge("newscrawl_watch_last_successful_poll_timestamp_seconds", "Last poll answered",
          last.timestamp() if last else None)  # fmt: skip
    polls = Gauge("newscrawl_watch_polls", "Polls by outcome", ["job", "result"],
                  registry=registry)  # fmt: skip
    polls.labels(job=job, result="not_modified").set(figures["polls_not_modified"])
    polls.labels(job=job, result="failed").set(figures["polls_failed"])
    polls.labels(job=job, result="all").set(figures["polls"])
    gauge("newscrawl_watch_records_window", "Records in the last window",
          figures["records_last_window"])  # fmt: skip
    gauge("newscrawl_watch_records", "Records since the watch started", figures["records"])
    gauge("newscrawl_watch_errors", "Failed requests since the watch started", figures["errors"])
    gauge("newscrawl_watch_requests_last_hour", "Requests in the last hour",
          figures["requests_last_hour"])  # fmt: skip
    gauge("newscrawl_watch_publish_latency_seconds", "Median publication-to-feed latency",
          figures["publish_latency_seconds"]["median"])  # fmt: skip
    gauge("newscrawl_health", "1 when no watch alert is raised", float(report["healthy"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)
