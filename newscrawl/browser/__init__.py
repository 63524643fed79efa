"""A real browser exactly where plain HTTP cannot do the job.

Two places need one: Cloudflare-style challenge pages (solved once in Chromium, then the clearance
cookies ride on plain requests) and listings whose older items only arrive through a "Load more"
button (driven once in Chromium to learn the JSON request behind it, which is then followed with
plain requests). Everything else goes through Scrapy's normal HTTP handler.
"""

from __future__ import annotations

import os

# Scrapy's cookie middleware checks cookie domains against the Public Suffix List through
# tldextract, which downloads the list on first use. This crawler never sends traffic to other
# hosts: an empty URL list makes tldextract use the snapshot it ships. Set before Scrapy imports
# its cookie middleware (the settings module imports this package first).
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
