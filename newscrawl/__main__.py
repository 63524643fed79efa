"""``newscrawl``: Scrapy's command line with this package's project settings, from any directory.

    newscrawl crawl almayadeen -a edition=ar        # = scrapy crawl almayadeen, inside the repo
    newscrawl crawl -a since=2024-08-01              # the spider name may be left out
    newscrawl parse --spider=almayadeen URL
    python -m newscrawl crawl ...

``scrapy`` finds a project through a ``scrapy.cfg`` in the current directory or above it (or
``SCRAPY_SETTINGS_MODULE``); an installed package has none where it runs. This entry point sets
the project's settings module (unless the environment names one) and runs Scrapy's command line,
so ``pip install newscrawl`` gives a ``newscrawl`` command that crawls from anywhere, with the
same arguments, settings, exit statuses and output (``output/`` below the current directory
unless ``NEWSCRAWL_OUTPUT_DIR`` says otherwise).
"""

from __future__ import annotations

import os
import sys

SETTINGS_MODULE = "newscrawl.settings"
#: The project's one spider, the default of ``newscrawl crawl``.
SPIDER = "almayadeen"


def command_line(argv: list[str]) -> list[str]:
    """Scrapy's argument list for ``newscrawl ARGV`` (the spider name filled in for ``crawl``)."""
    args = list(argv)
    if args[:1] == ["crawl"] and (len(args) == 1 or args[1].startswith("-")):
        args.insert(1, SPIDER)
    return ["scrapy", *args]


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    from scrapy.cmdline import execute

    execute(command_line(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
