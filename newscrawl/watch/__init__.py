"""Watch mode: ``scrapy crawl almayadeen -a mode=watch -a every=60``.

One long run: an incremental pass, then, every ``every`` seconds, conditional polls of the
pages that show new and edited articles first (:mod:`newscrawl.discovery.watch`), the articles
they show new or changed fetched, and the feed published every
``NEWSCRAWL_WATCH_PUBLISH_SECONDS``. The parts, each one Scrapy component:

- :class:`~newscrawl.watch.extension.WatchExtension`: keeps the spider open (``spider_idle``,
  ``DontCloseSpider``), schedules the polls within the hourly budget, publishes the feed
  (:mod:`newscrawl.output.rotation`) and writes the health of each window;
- :class:`~newscrawl.watch.middlewares.ConditionalPolls` (downloader middleware): the
  ``If-None-Match`` / ``If-Modified-Since`` of each poll, a ``304`` dropped before any parse,
  and the account of polls and requests;
- :class:`~newscrawl.watch.middlewares.WatchFollow` (spider middleware): of what a polled page
  links, only the articles and sitemaps the incremental middleware kept, each once at a time.

What is new or changed is decided as in every incremental run, by the crawl state
(:mod:`newscrawl.state`); exactly-once holds through each publication, kill and restart.
"""
