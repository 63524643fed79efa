"""The crawl frontier: small at archive scale, and shared by many workers.

At archive scale (one process; ``docs/performance.md``):

- :mod:`newscrawl.frontier.hashes`: exact sets of 64-bit URL hashes in about 8 bytes an entry,
  for the seen-sets that grow with the archive (request fingerprints, links judged, articles
  emitted);
- :mod:`newscrawl.frontier.scheduler`: Scrapy's scheduler with its request queue on disk
  (the ``JOBDIR`` one, or a spill directory of the job when no ``JOBDIR`` is set) and a
  request dupefilter keeping 8-byte fingerprints.

Many workers, one crawl, in Redis (``-s NEWSCRAWL_FRONTIER=redis``; ``docs/scaling.md``):

- :mod:`newscrawl.frontier.addon`: the add-on that turns a crawl into a worker;
- :mod:`newscrawl.frontier.leases`: scrapy-redis's scheduler with leased in-flight requests
  and the rule that ends the crawl;
- :mod:`newscrawl.frontier.limiter`: one request rate and concurrency per host for all workers;
- :mod:`newscrawl.frontier.claims`: every article once across the workers' feeds;
- :mod:`newscrawl.frontier.connection`: the Redis client (back-off on lost connections) and keys;
- :mod:`newscrawl.frontier.testing`: a throw-away ``redis-server`` for tests and benchmarks.
"""

from __future__ import annotations
