"""Commands that look at pages rather than crawl: ``scrapy shell`` and ``scrapy parse``.

They are not runs of the job: they take no run lock, record no run in the crawl state and write
no feed or run files. Each sets ``NEWSCRAWL_INSPECT`` at the command's priority; the state
(:func:`newscrawl.state.session.run_plan`) and the output layer
(:func:`newscrawl.output.runfiles.configure_output`) read it.
"""

from __future__ import annotations

from typing import Any

#: Set by the commands that only look at pages.
INSPECT = "NEWSCRAWL_INSPECT"

INSPECT_SETTINGS: dict[str, Any] = {INSPECT: True}
