"""The crawl frontier at archive scale: what a run holds stays small however large the archive.

- :mod:`newscrawl.frontier.hashes`: exact sets of 64-bit URL hashes in about 8 bytes an entry,
  for the seen-sets that grow with the archive (request fingerprints, links judged, articles
  emitted);
- :mod:`newscrawl.frontier.scheduler`: Scrapy's scheduler with its request queue on disk
  (the ``JOBDIR`` one, or a spill directory of the job when no ``JOBDIR`` is set) and a
  request dupefilter keeping 8-byte fingerprints.

Measurements and the reasons: ``docs/performance.md``.
"""
