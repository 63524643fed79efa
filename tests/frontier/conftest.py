"""Worker tests read feeds with the incremental tests' runner (tests/incremental/jobrun.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "incremental"))
