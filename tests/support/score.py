"""How a crawl's records compare with the replica's truth, and the assertions that they match.

The replica's truth is exact: for each article it holds the record a correct crawl emits (minus
the crawl-only fields). So every field is judged on its own and exactly, and a crawl fails on
any of: an expected article missing, a record the truth does not expect, an article emitted
twice (whatever its ``version``), a reject, a field value that is wrong (present but different)
or missing (the truth has a value, the record none). Nothing is pooled into a share.

Equal means equal in type too: ``True`` is not ``1`` and ``1.0`` is not ``1`` (JSON tells them
apart, and so does every reader of the feed).

The crawl fields are judged by what the run can know (``crawled_at`` aside, a time):

- ``version``: 1, unless ``versions`` says otherwise (an article edited since an earlier run);
- ``fetched_url``: the record's URL moved onto the replica the crawl fetched from (its
  ``base_url`` when given; otherwise any replica on 127.0.0.1);
- ``alternate_urls``: sorted, each once, never the record's own URL, and each one of the
  replica's other addresses of that article (its short link ``/article/{post_id}``, the
  ``/redirect/{post_id}`` of a redirecting link, its path with a trailing slash), on the
  production host.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from jsonschema import Draft202012Validator

from newscrawl.schema import json_schema

from .crawl import CrawlResult

TruthLine = dict[str, Any]
Keep = Callable[[TruthLine], bool]

#: Values that mean "not known" in a record.
EMPTY: tuple[Any, ...] = (None, [], "", {})
#: Where a replica serves: the tests crawl replicas on the loopback address only.
REPLICA_HOST = "127.0.0.1"


def same(got: Any, want: Any) -> bool:
    """Equal, and of the same JSON type all the way down: ``True`` is not ``1``, ``1.0`` is
    not ``1``."""
    if type(got) is not type(want):
        return False
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    return bool(got == want)


def is_empty(value: Any) -> bool:
    return any(same(value, empty) for empty in EMPTY)


def _path(url: str) -> str:
    return unquote(urlsplit(url).path)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _decoded(url: Any) -> Any:
    """``url`` with its path percent-decoded (the form records and truth use)."""
    if not isinstance(url, str):
        return url
    query = urlsplit(url).query
    return _origin(url) + _path(url) + (f"?{query}" if query else "")


def expected_fetched_url(url: str, fetched: Any, base_url: str | None) -> str:
    """The record's URL moved onto the replica: ``base_url``, else the replica ``fetched``
    names when that is one on the loopback address."""
    if base_url is None:
        parts = urlsplit(fetched) if isinstance(fetched, str) else None
        on_replica = parts is not None and parts.scheme == "http" and parts.hostname == REPLICA_HOST
        base_url = (
            f"http://{parts.netloc}" if parts is not None and on_replica else "http://replica"
        )
    return base_url.rstrip("/") + _path(url)


def fine_alternates(record: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
    """``alternate_urls``: sorted, unique, other addresses of this very article."""
    alternates = record.get("alternate_urls")
    if not isinstance(alternates, list) or alternates != sorted(set(alternates)):
        return False
    url = want["url"]
    origin = _origin(url)
    post_id = want.get("post_id")
    others = {_path(url) + "/"}
    if post_id:
        others |= {f"/article/{post_id}", f"/redirect/{post_id}"}
    return all(
        isinstance(alt, str) and alt.startswith(origin + "/") and _path(alt) in others
        for alt in alternates
    )


def reachable(line: TruthLine) -> bool:
    """The default selection: every article the replica serves."""
    return bool(line.get("reachable", True))


def expected_records(truth: Iterable[TruthLine], keep: Keep | None = None) -> dict[str, Any]:
    """The truth's records ``keep`` selects (by default the reachable ones), by URL."""
    select = keep or reachable
    return {line["record"]["url"]: line["record"] for line in truth if select(line)}


@dataclass
class Score:
    """A crawl against the truth: which articles, and which field values, do not match."""

    expected: int
    found: int
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    #: field -> [(url, got, want)] where the record has a value and it differs.
    wrong: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=dict)
    #: field -> [(url, want)] where the truth has a value and the record none.
    absent: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    compared: int = 0

    @property
    def exact(self) -> bool:
        return not (self.missing or self.extra or self.duplicates or self.wrong or self.absent)

    def per_field(self) -> dict[str, tuple[int, int]]:
        """field -> (wrong, absent) counts, for the fields with any."""
        names = sorted(set(self.wrong) | set(self.absent))
        return {n: (len(self.wrong.get(n, [])), len(self.absent.get(n, []))) for n in names}

    def report(self, limit: int = 10) -> str:
        lines = [
            f"articles: {self.found}/{self.expected} found, {len(self.missing)} missing, "
            f"{len(self.extra)} extra, {len(self.duplicates)} emitted more than once",
            f"field values compared: {self.compared}; per field (wrong, absent): "
            f"{self.per_field() or 'none'}",
        ]
        lines += [f"  missing: {url}" for url in self.missing[:limit]]
        lines += [f"  extra: {url}" for url in self.extra[:limit]]
        lines += [f"  duplicated: {url}" for url in self.duplicates[:limit]]
        for name, misses in self.wrong.items():
            for url, got, want in misses[:limit]:
                lines.append(f"  wrong {name} @ {url}")
                lines.append(f"      got:  {got!r:.300}\n      want: {want!r:.300}")
        for name, absences in self.absent.items():
            for url, want in absences[:limit]:
                lines.append(f"  absent {name} @ {url}: want {want!r:.200}")
        return "\n".join(lines)


def score(
    records: Iterable[Mapping[str, Any]],
    truth: Iterable[TruthLine],
    keep: Keep | None = None,
    *,
    versions: Mapping[str, int] | None = None,
    base_url: str | None = None,
) -> Score:
    """Compare ``records`` with the truth lines ``keep`` selects (by default the reachable
    ones). Each truth field is compared exactly with the record's value of that field, and the
    crawl fields as the module says (``versions``: URL -> the version expected when not 1;
    ``base_url``: the replica the crawl fetched from)."""
    expected = expected_records(truth, keep)
    records = list(records)
    counts = Counter(r["url"] for r in records)
    got = {r["url"]: r for r in records}
    result = Score(
        expected=len(expected),
        found=len(expected.keys() & got.keys()),
        missing=sorted(expected.keys() - got.keys()),
        extra=sorted(got.keys() - expected.keys()),
        duplicates=sorted(url for url, n in counts.items() if n > 1),
    )
    for url, want in expected.items():
        record = got.get(url)
        if record is None:
            continue
        crawl = {
            "version": (versions or {}).get(url, 1),
            "fetched_url": expected_fetched_url(url, record.get("fetched_url"), base_url),
        }
        for name, value in {**want, **crawl}.items():
            result.compared += 1
            value_got = record.get(name)
            if name == "fetched_url":
                value_got = _decoded(value_got)
            if same(value_got, value):
                continue
            if is_empty(value_got) and not is_empty(value):
                result.absent.setdefault(name, []).append((url, value))
            else:
                result.wrong.setdefault(name, []).append((url, value_got, value))
        result.compared += 1
        if not fine_alternates(record, want):
            other_addresses = "other addresses of this article, sorted, each once"
            wrong = (url, record.get("alternate_urls"), other_addresses)
            result.wrong.setdefault("alternate_urls", []).append(wrong)
    return result


def assert_matches_truth(
    records: Iterable[Mapping[str, Any]],
    truth: Iterable[TruthLine],
    keep: Keep | None = None,
    rejects: Iterable[Mapping[str, Any]] = (),
    *,
    versions: Mapping[str, int] | None = None,
    base_url: str | None = None,
) -> Score:
    """Every expected article exactly once, nothing else, every field exact, no reject."""
    s = score(records, truth, keep, versions=versions, base_url=base_url)
    print(s.report())
    rejected = [(r.get("record", {}).get("url"), r.get("reason")) for r in rejects]
    assert rejected == [], f"rejected records (none of the replica's should be): {rejected[:10]}"
    assert s.expected > 0, "the truth selects no article: the comparison would prove nothing"
    assert s.exact, s.report()
    return s


def assert_valid(records: Iterable[Mapping[str, Any]]) -> None:
    """Every record is valid under the shipped JSON Schema."""
    validator = Draft202012Validator(json_schema())
    invalid = [(r.get("url"), e.message) for r in records for e in validator.iter_errors(r)]
    assert invalid == [], invalid[:10]


def assert_crawl_matches_truth(
    result: CrawlResult, truth: Iterable[TruthLine], keep: Keep | None = None
) -> Score:
    """The run succeeded, and its feed and rejects match the truth (``assert_matches_truth``)
    with every record valid."""
    assert result.returncode == 0, result.log[-3000:]
    s = assert_matches_truth(
        result.records, truth, keep, result.rejects, base_url=result.base_url or None
    )
    assert_valid(result.records)
    return s
