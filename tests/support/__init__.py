"""The harness every end-to-end test and benchmark shares (one copy of each part).

- ``crawl``: run ``scrapy crawl almayadeen`` as users and schedulers do (a subprocess), against
  a replica, and collect what the run wrote (``run_crawl``, ``start_crawl``);
- ``feeds``: read JSON Lines feeds and rejects files with ``jsonlines`` (``read_jsonl``);
- ``score``: compare a crawl's records with the replica's truth, field by field, and fail on
  anything missing, extra, duplicated, wrong or rejected (``assert_matches_truth``).

Replicas themselves are started with ``newscrawl_replica.testing.ReplicaServer`` (the
``replica_factory`` fixture of ``tests/conftest.py`` shares them across a session).
"""
