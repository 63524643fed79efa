"""Crawl state between runs: what is known, what changed, and exactly-once feeds.

- :mod:`newscrawl.state.store`: the SQLite state (articles, feeds, runs, sitemap marks);
- :mod:`newscrawl.state.lock`: one run of a job at a time;
- :mod:`newscrawl.state.reconcile`: finishing a feed (absorb into the state, then publish);
- :mod:`newscrawl.state.policy`: what an incremental run fetches and emits;
- :mod:`newscrawl.state.session`: the Scrapy extension tying them to a run;
- :mod:`newscrawl.state.middleware`: the spider middleware that skips what is not new;
- :mod:`newscrawl.output.versioning` (in the output package): the pipeline that sets ``version``.
"""

from __future__ import annotations

from newscrawl.state.lock import JobAlreadyRunning, RunLock
from newscrawl.state.policy import Change, Decision, IncrementalPolicy, Mode
from newscrawl.state.session import CrawlStateExtension, policy_for, state_dir
from newscrawl.state.store import CrawlState

__all__ = [
    "Change",
    "CrawlState",
    "CrawlStateExtension",
    "Decision",
    "IncrementalPolicy",
    "JobAlreadyRunning",
    "Mode",
    "RunLock",
    "policy_for",
    "state_dir",
]
