"""Output: what a run writes and says about itself.

- :mod:`newscrawl.output.runfiles`: the run's file names (the default feed and, beside it,
  rejects, summary and stats), settled once before any is opened;
- :mod:`newscrawl.output.feeds`: atomic feed storage (``X.jsonl.part`` renamed when whole);
- the item pipelines, in this order: :mod:`~newscrawl.output.validate` (rejects file),
  :mod:`~newscrawl.output.dedup` (duplicates), :mod:`~newscrawl.output.versioning` (new or
  changed, with ``version``), then the ``max_articles`` cap (:mod:`~newscrawl.output.cap`),
  so nothing is counted before it is kept;
- the extensions :mod:`~newscrawl.output.summary` (run summary) and
  :mod:`~newscrawl.output.runstats` (the run's outcome for schedulers).
"""
