"""The reads docs/dataset.md documents, run as written: DuckDB, pandas and polars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl


def duckdb_rows(dataset: Path, table: str, sql: str = "count(*)", rest: str = "") -> Any:
    query = f"SELECT {sql} FROM read_parquet('{dataset}/{table}/*/*/*.parquet') {rest}"
    return duckdb.sql(query).fetchall()


def pandas_frame(dataset: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(dataset / table, dtype_backend="pyarrow")


def polars_frame(dataset: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(dataset / table)


def counts(dataset: Path, table: str) -> dict[str, tuple[int, int]]:
    """``(rows, distinct URLs)`` of a table as each reader sees it."""
    ((rows, urls),) = duckdb_rows(dataset, table, "count(*), count(DISTINCT url)")
    frame = pandas_frame(dataset, table)
    polars = polars_frame(dataset, table)
    return {
        "duckdb": (rows, urls),
        "pandas": (len(frame), frame["url"].nunique()),
        "polars": (polars.height, polars["url"].n_unique()),
    }
