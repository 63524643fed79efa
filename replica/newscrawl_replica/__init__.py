"""An offline replica of the Al Mayadeen site, served by aiohttp on 127.0.0.1.

    newscrawl-replica serve --port 8765 --articles 500 --seed 1 --edition en \\
        [--listing static|js] [--challenge off|on] [--faults none|flaky|hostile] [--truth FILE]

Modules, one job each: ``model`` (compact per-article metadata, the full article, time and slug
functions), ``english`` and ``arabic`` (content: generated English articles around the real
reference page; the real Arabic records), ``site`` (listings, sitemaps, publishing), ``render``
(HTML/XML strings), ``truth`` (the records a correct crawler extracts), ``editions`` (hosts and
the English menus), ``challenge`` and ``faults`` (the walls and failures), ``server`` (aiohttp
routes), ``testing`` (``ReplicaServer`` for tests and benchmarks). ``MARKUP.md`` documents what
the pages look like.
"""
