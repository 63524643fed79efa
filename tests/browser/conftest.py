from __future__ import annotations

import os

import pytest

from newscrawl.browser.config import DEFAULT_PATH, PATH_SETTING


@pytest.fixture(scope="session")
def chromium() -> str:
    path = os.environ.get(PATH_SETTING) or DEFAULT_PATH
    if not os.access(path, os.X_OK):
        pytest.fail(f"Chromium is required for these tests: run `make browser` ({path} missing)")
    return path
