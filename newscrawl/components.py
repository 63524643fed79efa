"""Components that are off by design in a run say so quietly.

Scrapy logs a ``NotConfigured`` raised with a message as a WARNING ("Disabled X: ..."). A
component that is off because the run did not ask for it (no ``max_articles``, no date window,
an export that keeps no state, a feature switched off by its setting) is nothing a user can or
should act on, so every healthy run would warn for nothing. These components raise
:func:`disabled` instead: the reason goes to the DEBUG log, and Scrapy's INFO list of enabled
components still shows what runs.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def disabled(component: type, reason: str) -> NotConfigured:
    """The exception that leaves ``component`` out of this run, its reason logged at DEBUG."""
    logger.debug("Disabled %s.%s: %s", component.__module__, component.__qualname__, reason)
    return NotConfigured()
