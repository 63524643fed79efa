"""The dataset's Arrow schema, derived from the record's JSON Schema (one rule in one place).

``article.schema.json`` says what a feed line holds; this module turns it into Arrow types:
``utc`` strings become UTC timestamps, arrays become lists, objects (``main_image``, ``video``,
the items of ``images`` and ``related``) become structs, integers ``int64``, everything else
strings. The tables are partitioned by ``edition`` and ``month`` (``YYYY-MM`` of
``date_published``, UTC); as in Hive and Spark, the partition keys live in the directory names,
not in the files.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from newscrawl.schema import json_schema

#: Partition keys, outermost first. ``edition`` is a record field; ``month`` is derived.
PARTITION_KEYS: tuple[str, ...] = ("edition", "month")
#: The directory value of a null partition key (Hive's, read as null by DuckDB, Spark, polars,
#: pyarrow and pandas).
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
#: A record's identity in the current table, and a version's identity in the history table.
KEY = "url"
VERSION = "version"
CRAWLED_AT = "crawled_at"


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref:
        return _resolve(
            {**defs[ref.rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}, defs
        )
    if "oneOf" in node:  # null or one shape: the shape, nullable
        (shape,) = [option for option in node["oneOf"] if option.get("type") != "null"]
        return _resolve(shape, defs)
    return node


def arrow_type(node: dict[str, Any], defs: dict[str, Any], name: str = "") -> pa.DataType:
    """The Arrow type of one JSON Schema node (after ``$ref`` and ``oneOf`` null|shape)."""
    if node.get("$ref", "").endswith("/utc"):
        return pa.timestamp("s", tz="UTC")
    node = _resolve(node, defs)
    if "const" in node:
        return pa.int64() if isinstance(node["const"], int) else pa.string()
    if "enum" in node:
        return pa.string()
    types = node.get("type")
    kinds = {types} if isinstance(types, str) else set(types or ()) - {"null"}
    if kinds == {"array"}:
        return pa.list_(arrow_type(node["items"], defs, name))
    if kinds == {"object"}:
        props = node["properties"]
        return pa.struct([pa.field(key, arrow_type(props[key], defs, key)) for key in props])
    if kinds == {"integer"}:
        return pa.int64()
    if kinds == {"string"}:
        return pa.string()
    raise ValueError(f"no Arrow type for the schema of {name or 'a field'}: {node}")


@lru_cache(maxsize=1)
def record_schema() -> pa.Schema:
    """One feed line, every field in the schema's order."""
    schema = json_schema()
    defs = schema.get("$defs", {})
    return pa.schema(
        [
            pa.field(name, arrow_type(node, defs, name))
            for name, node in schema["properties"].items()
        ]
    )


@lru_cache(maxsize=1)
def file_schema() -> pa.Schema:
    """What a partition file holds: the record without the partition keys."""
    full = record_schema()
    return pa.schema([field for field in full if field.name not in PARTITION_KEYS])


def months(table: pa.Table) -> pa.Array:
    """``YYYY-MM`` of each row's ``date_published`` (UTC), null where it is unknown."""
    return pc.strftime(table.column("date_published"), format="%Y-%m")


def partitions(table: pa.Table) -> pa.ChunkedArray:
    """Each row's partition path (``partition_path`` over a whole table)."""
    parts = [
        pc.binary_join_element_wise(f"{key}=", pc.fill_null(column, NULL_PARTITION), "")
        for key, column in (("edition", table.column("edition")), ("month", months(table)))
    ]
    return pc.binary_join_element_wise(*parts, "/")


def partition_path(edition: str | None, month: str | None) -> str:
    """``edition=en/month=2024-08``, Hive style; a null key is ``__HIVE_DEFAULT_PARTITION__``."""
    return "/".join(
        f"{key}={NULL_PARTITION if value is None else value}"
        for key, value in zip(PARTITION_KEYS, (edition, month), strict=True)
    )


def partition_values(path: str) -> tuple[str | None, str | None]:
    """The inverse of ``partition_path``."""
    values: list[str | None] = []
    for part, key in zip(path.split("/"), PARTITION_KEYS, strict=True):
        name, _, value = part.partition("=")
        if name != key:
            raise ValueError(f"not a partition path: {path}")
        values.append(None if value == NULL_PARTITION else value)
    return values[0], values[1]
