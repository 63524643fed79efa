"""Many workers, one crawl: a shared frontier in Redis (``-s NEWSCRAWL_FRONTIER=redis``).

- :mod:`newscrawl.frontier.addon`: the add-on that turns a crawl into a worker;
- :mod:`newscrawl.frontier.scheduler`: scrapy-redis's scheduler with leased in-flight requests
  and the rule that ends the crawl;
- :mod:`newscrawl.frontier.limiter`: one request rate per host for all workers;
- :mod:`newscrawl.frontier.claims`: every article once across the workers' feeds;
- :mod:`newscrawl.frontier.connection`: the Redis client (back-off on lost connections) and keys;
- :mod:`newscrawl.frontier.testing`: a throw-away ``redis-server`` for tests and benchmarks.

See docs/scaling.md.
"""

from __future__ import annotations
