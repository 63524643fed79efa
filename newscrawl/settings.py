"""Scrapy settings for newscrawl: polite by default."""

from __future__ import annotations

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; newscrawl@example.org)"
ROBOTSTXT_OBEY = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# Where feeds, rejects and state go unless overridden.
NEWSCRAWL_OUTPUT_DIR = "output"
