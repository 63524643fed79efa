"""What a watch polls: the pages that show new and edited articles first.

Data, like the other URL rules: the home page, the first page of each section listing (the
edition's menu sections, and the menu groups that have none; or the sections the crawl is
limited to), the RSS feed and the sitemap index (whose ``<lastmod>`` per month leads to the
current month's sitemap, polled too, and to any month an edit touched).
"""

from __future__ import annotations

from newscrawl.discovery.args import CrawlArgs, Source
from newscrawl.discovery.rules import RSS_PATH, SITEMAP_INDEX_PATH


def poll_paths(args: CrawlArgs) -> list[str]:
    """Site paths to poll, most telling first."""
    edition = args.site.edition
    paths: list[str] = []
    if Source.LISTINGS in args.discover:
        # A menu group with sections of its own shows nothing its sections and the home page
        # do not show first: it is not polled (the sitemap catches what no listing polled does).
        grouped = {section.split("/")[0] for section in edition.sections}
        own = [group for group in edition.groups if group not in grouped]
        sections = args.sections or (*own, *edition.sections)
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
