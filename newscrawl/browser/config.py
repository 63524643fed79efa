"""Where Chromium is and how it is launched: one setting, one set of flags."""

from __future__ import annotations

import os
from typing import Any

from scrapy.settings import BaseSettings

from newscrawl.config import crawl_settings

#: Setting (and environment variable of the same name) holding the Chromium executable.
PATH_SETTING = "NEWSCRAWL_BROWSER_PATH"
DEFAULT_PATH = "/usr/bin/chromium-headless-shell"

#: Without the background-networking flags Chromium keeps trying to reach Google services and,
#: on a closed network, stalls on those connections.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

INSTALL_HINT = (
    "install Debian's headless Chromium with `make browser` "
    "(apt-get install chromium-headless-shell), or point the "
    f"{PATH_SETTING} setting / environment variable at a Chromium executable"
)


class BrowserUnavailable(RuntimeError):
    """A page needs the browser and there is none to launch."""


def browser_path(settings: BaseSettings) -> str:
    """The Chromium executable: the environment wins over the setting, so CI can point elsewhere."""
    return os.environ.get(PATH_SETTING) or crawl_settings(settings).browser_path or DEFAULT_PATH


def missing_browser_message(path: str) -> str | None:
    """Why the browser at ``path`` cannot be launched, or None when it can."""
    if not os.path.isfile(path):
        return f"Chromium not found at {path!r}: {INSTALL_HINT}"
    if not os.access(path, os.X_OK):
        return f"Chromium at {path!r} is not executable: {INSTALL_HINT}"
    return None


def launch_options(path: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """``PLAYWRIGHT_LAUNCH_OPTIONS`` for Debian's Chromium at ``path`` (headless, our flags)."""
    options: dict[str, Any] = dict(extra or {})
    options["executable_path"] = path
    options["headless"] = True
    args = [a for a in options.get("args", []) if a not in CHROMIUM_ARGS]
    options["args"] = [*CHROMIUM_ARGS, *args]
    return options
