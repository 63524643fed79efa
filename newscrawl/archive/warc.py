"""WARC files (ISO 28500) written the way feeds are: ``X.00000.warc.gz.part`` → ``X.00000.warc.gz``.

Records are built by warcio (headers, ``WARC-Record-ID``, block and payload digests) and each is
compressed as its own gzip member, as web archives expect (a reader can seek to a record's offset
and inflate it alone). A response record and its request record go to the file in one
unbuffered ``write``: a ``kill -9`` can tear at most the pair being written, never one already
written. A file is ``fsync``-ed every ``fsync_every`` pairs, when it is rotated (once it reaches
``max_bytes``) and when it is closed; only then does it get its final name, so every file under a
``.warc.gz`` name is whole.

A killed run's ``.part`` file is finished by :func:`finish_warc_part` (the next run of the job
does it, before it publishes the killed run's feed): complete gzip members are kept, a torn last
one is cut off, and the file is renamed.
"""

from __future__ import annotations

import io
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.output.feeds import PART_SUFFIX, fsync_dir, part_path

logger = logging.getLogger(__name__)

WARC_SUFFIX = ".warc.gz"
#: A run's files are ``{stem}.{sequence}.warc.gz``, the sequence on this many digits.
SEQUENCE_DIGITS = 5
#: HTTP headers that describe the transfer rather than the body kept: Scrapy hands the body
#: over de-chunked.
TRANSFER_HEADERS = frozenset({"transfer-encoding"})
#: A WARC extension field of response records: what the crawl fetched the page as (``article``,
#: ``sitemap``, ``listing``…; ``newscrawl.discovery.meta.LinkKind``).
LINK_KIND_HEADER = "Newscrawl-Link-Kind"
#: A WARC extension field of response records: the URLs that redirected to the page, in order,
#: space-separated (the record's ``alternate_urls`` come from them).
REDIRECTS_HEADER = "Newscrawl-Redirected-From"


@dataclass(frozen=True)
class ArchiveRef:
    """Where a page is archived: the WARC file's name (beside the feed), the response record's
    id and its offset in the file (the start of its gzip member)."""

    file: str
    record_id: str
    offset: int
    #: The response record's ``WARC-Date`` (when the page was fetched).
    date: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "record_id": self.record_id, "offset": self.offset}


def warc_name(stem: str, sequence: int) -> str:
    return f"{stem}.{sequence:0{SEQUENCE_DIGITS}d}{WARC_SUFFIX}"


def http_headers(response_headers: Any) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` (bytes, lists of values) as WARC header pairs, transfer headers out."""
    pairs: list[tuple[str, str]] = []
    for key, values in response_headers.items():
        name = key.decode("latin-1")
        if name.lower() in TRANSFER_HEADERS:
            continue
        pairs.extend((name, value.decode("latin-1")) for value in values)
    return pairs


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcRotatingWriter:
    """Writes request/response pairs to ``{directory}/{stem}.NNNNN.warc.gz``, rotating by size."""

    def __init__(
        self,
        directory: Path,
        stem: str,
        *,
        max_bytes: int = 1 << 30,
        fsync_every: int = 100,
        gzip_level: int = 6,
        info: dict[str, str] | None = None,
    ) -> None:
        self.directory = directory
        self.stem = stem
        self.max_bytes = max_bytes
        self.fsync_every = fsync_every
        self.gzip_level = gzip_level
        self.info = info or {}
        self.sequence = -1
        self.published: list[Path] = []
        self.records = 0
        self.bytes = 0
        self._fd: int | None = None
        self._final: Path | None = None
        self._size = 0
        self._unsynced = 0
        # Records are built uncompressed and gzipped here, one member each, at our level.
        self._builder = WARCWriter(io.BytesIO(), gzip=False)

    # -- files ---------------------------------------------------------------------------

    @property
    def current(self) -> Path | None:
        """The final name of the file being written."""
        return self._final

    def _open_next(self) -> None:
        self.sequence += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / warc_name(self.stem, self.sequence)
        while final.exists() or part_path(final).exists():
            self.sequence += 1
            final = self.directory / warc_name(self.stem, self.sequence)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
        self._fd = os.open(part_path(final), flags, 0o644)
        self._final = final
        self._size = 0
        warcinfo = self._builder.create_warcinfo_record(final.name, self.info)
        self._append(self._member(warcinfo))

    def _close_current(self) -> None:
        if self._fd is None or self._final is None:
            return
        fd, final = self._fd, self._final
        self._fd, self._final = None, None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(part_path(final), final)
        fsync_dir(final.parent)
        self.published.append(final)

    def close(self) -> list[Path]:
        """Publish the file being written; returns every file this writer published."""
        self._close_current()
        return self.published

    # -- records -------------------------------------------------------------------------

    def _member(self, record: ArcWarcRecord) -> bytes:
        buffer = io.BytesIO()
        self._builder.out = buffer
        self._builder.write_record(record)
        compressor = zlib.compressobj(self.gzip_level, zlib.DEFLATED, 31)
        return compressor.compress(buffer.getvalue()) + compressor.flush()

    def _append(self, data: bytes) -> int:
        """Write ``data`` at the end of the current file; returns the offset it starts at."""
        assert self._fd is not None
        offset = self._size
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        self._size += len(data)
        self.bytes += len(data)
        return offset

    def write_exchange(
        self,
        url: str,
        *,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        method: str = "GET",
        request_headers: list[tuple[str, str]] | None = None,
        request_body: bytes = b"",
        protocol: str = "HTTP/1.1",
        ip_address: str | None = None,
        link_kind: str | None = None,
        redirected_from: list[str] | None = None,
    ) -> ArchiveRef:
        """Archive one exchange (the response record, then its request record, in one write)."""
        if self._fd is None or self._size >= self.max_bytes:
            self._close_current()
            self._open_next()
        assert self._final is not None
        extra = {"WARC-IP-Address": ip_address} if ip_address else {}
        if link_kind:
            extra[LINK_KIND_HEADER] = link_kind
        if redirected_from:
            extra[REDIRECTS_HEADER] = " ".join(redirected_from)
        response = self._builder.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(status_line(status), headers, protocol=protocol),
            warc_headers_dict=extra,
        )
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = [("Host", parts.netloc), *(request_headers or [])]
        request = self._builder.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            length=len(request_body),
            http_headers=StatusAndHeaders(
                f"{method} {target} {protocol}", sent, protocol=protocol, is_http_request=True
            ),
            warc_headers_dict={
                "WARC-Concurrent-To": record_id,
                "WARC-Date": response.rec_headers.get_header("WARC-Date"),
            },
        )
        first = self._member(response)
        offset = self._append(first + self._member(request))
        self.records += 1
        self._unsynced += 1
        if self.fsync_every and self._unsynced >= self.fsync_every:
            assert self._fd is not None
            os.fsync(self._fd)
            self._unsynced = 0
        date = response.rec_headers.get_header("WARC-Date")
        return ArchiveRef(self._final.name, record_id, offset, date)


# -- reading --------------------------------------------------------------------------------


def complete_length(path: Path) -> int:
    """The length of the run of complete gzip members ``path`` starts with (all of it when it
    is whole; less when a killed writer tore its last member)."""
    good = 0
    consumed = 0
    inflater = zlib.decompressobj(31)
    with path.open("rb") as src:
        while chunk := src.read(1 << 20):
            while chunk:
                try:
                    inflater.decompress(chunk)
                except zlib.error:
                    return good
                if not inflater.eof:
                    consumed += len(chunk)
                    break
                used = len(chunk) - len(inflater.unused_data)
                consumed += used
                good = consumed
                chunk = inflater.unused_data
                inflater = zlib.decompressobj(31)
    return good


def finish_warc_part(part: Path) -> tuple[Path | None, int]:
    """Publish a WARC ``.part`` file a killed run left: keep its complete records, cut a torn
    last one off, rename it. Returns (the published file or ``None`` when nothing was whole,
    bytes cut off)."""
    final = part.with_name(part.name.removesuffix(PART_SUFFIX))
    size = part.stat().st_size
    good = complete_length(part)
    if good < size:
        with part.open("r+b") as out:
            out.truncate(good)
            out.flush()
            os.fsync(out.fileno())
    if good == 0:
        part.unlink()
        fsync_dir(part.parent)
        return None, size
    os.replace(part, final)
    fsync_dir(final.parent)
    return final, size - good


def finish_warc_parts(feed: Path) -> list[Path]:
    """Finish the WARC ``.part`` files of the run whose feed is ``feed`` (``X.jsonl``)."""
    stem = feed.name.split(".", 1)[0]
    finished = []
    for part in sorted(feed.parent.glob(f"{stem}.*{WARC_SUFFIX}{PART_SUFFIX}")):
        final, cut = finish_warc_part(part)
        logger.warning(
            "Recovered the web archive of an interrupted run: %s (%s)",
            final or part,
            f"a torn last record of {cut} bytes cut off" if cut else "whole",
        )
        if final is not None:
            finished.append(final)
    return finished


def read_record(path: Path, offset: int) -> ArcWarcRecord:
    """The record at ``offset`` of the WARC file ``path`` (its payload read into memory)."""
    with path.open("rb") as src:
        src.seek(offset)
        for record in ArchiveIterator(src):
            body = record.raw_stream.read()
            record.raw_stream = io.BytesIO(body)
            return record
    raise ValueError(f"no WARC record at {path}:{offset}")


def iter_responses(path: Path) -> Iterator[tuple[int, ArcWarcRecord]]:
    """(offset, record) of each response record of ``path``, payload not read."""
    with path.open("rb") as src:
        records = ArchiveIterator(src)
        for record in records:
            if record.rec_type == "response":
                yield records.get_record_offset(), record


def archive_files(directory: Path) -> list[Path]:
    """The published WARC files under ``directory``, in name order (oldest run first)."""
    return sorted(directory.rglob(f"*{WARC_SUFFIX}"))
