"""The feeds as a dataset: one current table of every article, its history, and a report.

    python -m newscrawl.dataset build OUTPUT_DIR     # OUTPUT_DIR/dataset/{current,history}/…
    python -m newscrawl.dataset report OUTPUT_DIR    # OUTPUT_DIR/dataset/report.html

Reads a job's published feeds and run files from disk only; needs the ``dataset`` extra
(pyarrow, matplotlib). See docs/dataset.md.
"""

from __future__ import annotations
