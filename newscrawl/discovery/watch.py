"""What a watch polls: the pages that show new and edited articles first.

Data, like the other URL rules: the home page, the first page of each section listing (the
edition's menu groups and sections, or the sections the crawl is limited to), the RSS feed and
the sitemap index (whose ``<lastmod>`` per month leads to the current month's sitemap and to any
month an edit touched).
"""

from __future__ import annotations

from newscrawl.discovery.args import CrawlArgs, Source
from newscrawl.discovery.rules import RSS_PATH, SITEMAP_INDEX_PATH


def poll_paths(args: CrawlArgs) -> list[str]:
    """Site paths to poll, most telling first."""
    edition = args.site.edition
    paths: list[str] = []
    if Source.LISTINGS in args.discover:
        sections = args.sections or (*edition.groups, *edition.sections)
        paths += ["/"] if not args.sections else []
        paths += [f"/{section}" for section in sections]
    if Source.RSS in args.discover or Source.LISTINGS in args.discover:
        paths.append(RSS_PATH)
    if Source.SITEMAPS in args.discover:
        paths.append(SITEMAP_INDEX_PATH)
    return paths


def poll_urls(args: CrawlArgs) -> list[str]:
    """:func:`poll_paths` on the crawl's host."""
    return [args.site.url(path) for path in poll_paths(args)]
