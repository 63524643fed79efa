"""Watch mode against a replica that publishes at random moments.

    .venv/bin/python bench/watch.py [--minutes 10] [--new 40] [--edit 10] [--every 30]
                                    [--publish 30] [--kill-at SECONDS] [--articles 500]
                                    [--budget REQUESTS_PER_HOUR] [--stop-latency SECONDS]

Starts a replica and ``scrapy crawl almayadeen -a mode=watch -a every=EVERY`` beside it (feed
published every ``--publish`` seconds). Once the watch's incremental pass is over, the replica
publishes ``--new`` new articles and ``--edit`` edits, one at a time, at random moments over the
run (all but the last ``--every`` + ``--publish`` seconds, so each can still be seen); with
``--kill-at``, the watch is killed with SIGKILL that many seconds in and started again at once.
At the end the watch is stopped with SIGTERM while pages are in flight: the replica turns slow
(each article page answered after ``--stop-latency`` seconds, default 8, under the replica
profile's 10 s download timeout), publishes 2 more articles, and the signal goes once it holds
their requests; the watch is then started again (the replica fast again), and stopped once
more when it has published them (whatever it is doing then). With ``--stop-latency 0`` only
the stop at the end of the run is made.

Prints:
- exactly-once: every version of every article in the published feeds once, no version skipped,
  each published article at its version (new: 1, edited: edits + 1), no ``.part`` left;
- latency from each publication (the replica's truth, ``published_at``) to the moment its line
  was first seen in a published ``*.jsonl`` (read every 0.2 s): p50, p95, max;
- requests per hour (and per new article), and the share of listing / feed / sitemap polls
  answered ``304`` (the replica's own counts, from the end of the pass to the end);
- the stops: seconds from SIGTERM to exit, with pages in flight and after the restart, and the
  exit status
  (the articles cut off by the first are counted in exactly-once, not in latency);
- the watch's CPU and RSS over time (``/proc``), one line a minute, and whether RSS stayed
  within 10% of its value at 10 minutes (flat) from then on.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' shared harness

from newscrawl_replica.testing import ReplicaServer
from tests.support.crawl import start_crawl, wait_for_log
from tests.support.watch import PublishedLines, expected_versions

PASS_OVER = "Watch: the incremental pass is over"
CLOCK_TICKS = 100  # os.sysconf("SC_CLK_TCK") on Linux
PAGE = 4096
SETTLE_SECONDS = 600  # RSS is judged from here on: imports, caches and pools have settled
FLAT_RSS = 0.10  # "flat": never more than this share away from the RSS at SETTLE_SECONDS


def proc_figures(pid: int) -> tuple[float, float] | None:
    """(CPU seconds, RSS MB) of a process, from ``/proc``; ``None`` once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError):
        return None
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return cpu, rss_pages * PAGE / 1e6


def served(replica: ReplicaServer) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = json.loads(replica.get("/__replica__/stats").body)["served"]
    return counts


def delta(after: dict[str, dict[str, int]], before: dict[str, dict[str, int]]) -> dict[str, Any]:
    out: dict[str, dict[str, int]] = {}
    for kind, statuses in after.items():
        for status, count in statuses.items():
            diff = count - before.get(kind, {}).get(status, 0)
            if diff:
                out.setdefault(kind, {})[status] = diff
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def sigterm(proc: subprocess.Popen[str]) -> tuple[float, int]:
    """Stop a watch with SIGTERM: seconds to its exit, and its status."""
    stop = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        status = proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = proc.wait()
    return time.monotonic() - stop, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--new", type=int, default=40)
    parser.add_argument("--edit", type=int, default=10)
    parser.add_argument("--every", type=float, default=30)
    parser.add_argument("--publish", type=float, default=30)
    parser.add_argument("--kill-at", type=float, default=None, metavar="SECONDS")
    parser.add_argument(
        "--budget", type=int, default=None, help="NEWSCRAWL_WATCH_BUDGET_PER_HOUR (default: its)"
    )
    parser.add_argument("--stop-latency", type=float, default=8.0, metavar="SECONDS")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: temp)")
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    duration = opts.minutes * 60
    out = opts.out or Path(tempfile.mkdtemp(prefix="bench-watch-"))
    settings: dict[str, Any] = {
        "NEWSCRAWL_WATCH_PUBLISH_SECONDS": opts.publish,
        "LOG_LEVEL": "INFO",
    }
    if opts.budget is not None:
        settings["NEWSCRAWL_WATCH_BUDGET_PER_HOUR"] = opts.budget
    args = ("mode=watch", f"every={opts.every:g}")
    with ReplicaServer(articles=opts.articles, seed=opts.seed) as replica:
        replica.wait_truth()
        proc = start_crawl(replica.base_url, out, *args, settings=settings)
        wait_for_log(proc, out, PASS_OVER, timeout=600)
        seen = PublishedLines(out)
        seen.wait_for(expected_versions(replica.truth()), proc, timeout=300)
        print(f"pass over; watching for {opts.minutes:g} min in {out}", flush=True)
        before = served(replica)
        started = time.monotonic()
        window = duration - opts.every - opts.publish
        events = sorted(rng.uniform(0, window) for _ in range(opts.new + opts.edit))
        kinds = ["new"] * opts.new + ["edit"] * opts.edit
        rng.shuffle(kinds)
        plan = list(zip(events, kinds, strict=True))
        published: dict[str, str] = {}  # url -> kind
        samples: list[tuple[float, float, float]] = []  # (t, cpu s, rss MB)
        cpu_before = 0.0  # CPU of the runs killed before
        killed = False
        while (now := time.monotonic() - started) < duration:
            while plan and plan[0][0] <= now:
                _, kind = plan.pop(0)
                result = replica.publish(new=int(kind == "new"), edit=int(kind == "edit"))
                for url in result["new"] + result["edited"]:
                    published[url] = kind
            if opts.kill_at is not None and not killed and now >= opts.kill_at:
                figures = proc_figures(proc.pid)
                cpu_before += figures[0] if figures else 0.0
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                killed = True
                print(f"killed the watch with SIGKILL at {now:.0f}s; started again", flush=True)
                proc = start_crawl(replica.base_url, out, *args, settings=settings)
            figures = proc_figures(proc.pid)
            if figures is not None and (not samples or now - samples[-1][0] >= 5):
                samples.append((now, cpu_before + figures[0], figures[1]))
            seen.refresh()
            time.sleep(0.2)
        after = served(replica)
        hours = (time.monotonic() - started) / 3600
        stops: list[tuple[str, float, int]] = []  # (what, seconds, status)
        late: set[str] = set()  # published for the stop in flight: not in the latency figures
        if opts.stop_latency > 0:
            replica.set_latency(opts.stop_latency)
            result = replica.publish(new=2)
            late = set(result["new"])
            published.update(dict.fromkeys(late, "new"))
            deadline = time.monotonic() + 60
            while (held := replica.held()) < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            stops.append((f"{held} article requests in flight", *sigterm(proc)))
            replica.set_latency(0)
            proc = start_crawl(replica.base_url, out, *args, settings=settings)
            wait_for_log(proc, out, PASS_OVER, timeout=600)
            seen.wait_for(expected_versions(replica.truth()), proc, timeout=300)
        final = "after the restart" if opts.stop_latency > 0 else "at the end"
        stops.append((final, *sigterm(proc)))
        seen.refresh()
        truth = replica.truth()

    lines = {line["record"]["url"]: line for line in truth}
    want = expected_versions(truth)
    latencies: list[float] = []
    missing = []
    for url in published:
        key = (url, want[url])
        if key not in seen.first_seen:
            missing.append(key)
            continue
        if url in late:
            continue
        live = datetime.fromisoformat(lines[url]["published_at"]).timestamp()
        latencies.append(seen.first_seen[key] - live)
    parts = list(out.rglob("*.jsonl.part"))
    print("\n== exactly once ==")
    print(f"published on the replica: {len(published)} "
          f"({sum(k == 'new' for k in published.values())} new, "
          f"{sum(k == 'edit' for k in published.values())} edited; {len(late)} new of them "
          "during the stop in flight)")  # fmt: skip
    print(f"seen at their version: {len(published) - len(missing)}; missing: {missing[:5]}")
    print(f"every article of the replica at its version: {seen.latest() == want}")
    print(f"versions published more than once: {len(seen.duplicates())}; "
          f"versions skipped: {len(seen.gaps())}; .part left: {len(parts)}")  # fmt: skip
    if latencies:
        print("\n== latency: publication -> line in a published feed ==")
        print(f"p50 {statistics.median(latencies):.1f}s  p95 {percentile(latencies, 0.95):.1f}s"
              f"  max {max(latencies):.1f}s  (n={len(latencies)})")  # fmt: skip
    watched = delta(after, before)
    total = sum(sum(s.values()) for s in watched.values())
    polled = {k: watched.get(k, {}) for k in ("listing", "feed", "sitemap")}
    listing_feed = [polled["listing"], polled["feed"]]
    share_lf = sum(s.get("304", 0) for s in listing_feed) / max(
        sum(sum(s.values()) for s in listing_feed), 1
    )
    share_all = sum(s.get("304", 0) for s in polled.values()) / max(
        sum(sum(s.values()) for s in polled.values()), 1
    )
    watched_kinds = [k for u, k in published.items() if u not in late]
    new = watched_kinds.count("new")
    print("\n== politeness (replica's counts while watching) ==")
    print(f"answers by kind and status: {json.dumps(watched, sort_keys=True)}")
    print(f"requests per hour: {total / hours:.0f}; per new article: {total / max(new, 1):.1f}; "
          f"per new or edited article: {total / max(len(watched_kinds), 1):.1f}")  # fmt: skip
    print(f"304 share: listings and feed {share_lf:.1%}; with sitemaps {share_all:.1%}")
    print("\n== stops ==")
    for what, seconds, status in stops:
        print(f"SIGTERM ({what}) -> exit in {seconds:.2f}s, status {status}")
    print("\n== CPU and RSS of the watch ==")
    print("   t(min)  CPU%(last min)  RSS MB")
    last = samples[0] if samples else None
    for t, cpu, rss in samples:
        if last is not None and (t - last[0] >= 60 or (t, cpu, rss) == samples[-1]):
            share = (cpu - last[1]) / max(t - last[0], 1e-9)
            print(f"   {t / 60:6.1f}  {share:14.1%}  {rss:6.1f}")
            last = (t, cpu, rss)
    settled = [rss for t, _, rss in samples if t >= SETTLE_SECONDS]
    if settled:
        base = settled[0]
        drift = max(abs(rss - base) for rss in settled) / base
        print(f"RSS after the first {SETTLE_SECONDS // 60} min: {base:.1f} MB at first, "
              f"{min(settled):.1f}-{max(settled):.1f} MB, at most {drift:.1%} from the first "
              f"({'flat' if drift <= FLAT_RSS else 'NOT flat'} within {FLAT_RSS:.0%})")  # fmt: skip
    ok = not missing and not seen.duplicates() and not seen.gaps() and not parts
    ok = ok and all(status == 6 for _, _, status in stops)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
