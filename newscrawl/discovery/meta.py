"""Request meta keys: what the spider says about a link, for the components that judge it.

The spider only routes: it marks each request with what the linking page said (the link as
written, the date it gave, what it presented the link as), and the spider middlewares decide
from that and from the settings: :mod:`newscrawl.discovery.scope` (date window, sections) and
:mod:`newscrawl.state.middleware` (what an incremental run skips).
"""

from __future__ import annotations

from enum import StrEnum


class LinkKind(StrEnum):
    """What the linking page presented a link as (``meta[LINK_KIND]``)."""

    #: An article: a listing card, a sitemap ``<loc>``, an RSS item, an article link.
    ARTICLE = "article"
    #: A monthly sitemap (from the index or robots.txt), or the index itself.
    SITEMAP = "sitemap"
    #: A listing linked from a listing page (menus, sections, tags, authors).
    LISTING = "listing"
    #: A tag, author or section listing linked from an article page.
    ARTICLE_LISTING = "article_listing"
    #: The next page of a listing (``?page=N`` or its "Load more" continuation).
    NEXT_PAGE = "next_page"
    #: An RSS feed: announced by a page (``<link rel="alternate">``), robots.txt, or tried at
    #: the paths feeds usually have (``FEED_PATHS``).
    FEED = "feed"


#: A :class:`LinkKind`.
LINK_KIND = "link_kind"
#: The link as the page wrote it (its production URL): what the crawl state knows it by.
LINK_URL = "link_url"
#: The publication time the page gives the link (a card's or an RSS item's date), or None.
LINK_DATE = "link_date"
#: The modification time the page gives the link (a sitemap's ``<lastmod>``), or None.
LINK_LASTMOD = "link_lastmod"
#: The page number of a listing page (1: the listing itself).
LISTING_PAGE = "listing_page"
#: On a next-page request: the ``(url, date)`` cards of the page it continues.
LISTING_CARDS = "listing_cards"
#: On a listing page: the card URLs of the page before it (a page repeating them is a trap).
PREVIOUS_CARDS = "previous_cards"
#: On a request for the rest of a "Load more" listing (the listing's URL): the browser's
#: middleware turns it into the JSON request behind the button, or a render in the browser.
LOAD_MORE = "load_more"
#: On a "Load more" JSON answer: its cards (``DiscoveredLink``), read by that middleware.
MORE_CARDS = "load_more_cards"
#: On a "Load more" JSON answer: the request for the next answer, or None at the end.
MORE_NEXT = "load_more_next"
#: On a request of watch mode (``newscrawl.watch``): ``"poll"`` for a page polled every
#: ``every`` seconds with a conditional request, ``"follow"`` for what a poll showed new.
WATCH = "watch"
WATCH_POLL = "poll"
WATCH_FOLLOW = "follow"
