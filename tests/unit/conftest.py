"""Fixtures of the in-process spider tests (see ``spider_run.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .spider_run import SpiderRun


@pytest.fixture
def spider_run(tmp_path: Path) -> Callable[..., SpiderRun]:
    """``spider_run(settings={...}, since="2024-01-01", ...)``: a fresh crawler and spider."""

    def make(settings: dict[str, Any] | None = None, **args: str) -> SpiderRun:
        return SpiderRun(tmp_path, settings or {}, args)

    return make
