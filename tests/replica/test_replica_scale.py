"""100,000 articles: quick start, bounded memory, every page still rendered on request."""

from __future__ import annotations

import os
import re
from pathlib import Path

from newscrawl_replica.testing import ReplicaServer


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    m = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert m is not None
    return int(m.group(1)) / 1024


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (load on the machine does not add to it)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_hundred_thousand_articles() -> None:
    with ReplicaServer(articles=100_000, truth=False) as big:
        assert big.process is not None
        # A quick start: a few seconds of CPU (its time on the clock depends on the load).
        assert cpu_seconds(big.process.pid) < 60
        assert big.health()["articles"] == 100_000
        last_page = big.get("/?page=5000")
        assert last_page.status == 200
        oldest = re.findall(r'<div class="news-card"><a href="([^"]+)"', last_page.text)[-1]
        assert big.get(oldest.split("?")[0].rstrip("/")).status in (200, 301)
        index = big.get("/sitemaps/all.xml").text
        assert index.count("<sitemap>") >= 48
        assert rss_mb(big.process.pid) < 300
