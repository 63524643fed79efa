"""WARC files as the crawl writes them: rotation, publication, references, a torn last record."""

from __future__ import annotations

import gzip
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newscrawl.archive.warc import (
    LINK_KIND_HEADER,
    WarcRotatingWriter,
    complete_length,
    finish_warc_part,
    read_record,
)
from newscrawl.output.feeds import part_path

PAGE = b"<html><body><p>" + b"news " * 400 + b"</p></body></html>"


def write_pages(writer: WarcRotatingWriter, count: int) -> list[tuple[str, dict[str, object]]]:
    refs = []
    for number in range(count):
        url = f"http://127.0.0.1:8080/news/page-{number}"
        ref = writer.write_exchange(
            url,
            status=200,
            headers=[("Content-Type", "text/html; charset=utf-8")],
            body=PAGE + str(number).encode(),
            request_headers=[("User-Agent", "newscrawl-test")],
            link_kind="article",
        )
        refs.append((url, ref.as_dict()))
    return refs


def test_files_rotate_by_size_are_published_whole_and_every_reference_resolves(
    tmp_path: Path,
) -> None:
    writer = WarcRotatingWriter(tmp_path, "run", max_bytes=4_000, fsync_every=3)
    refs = write_pages(writer, 12)
    # While writing, the file being written has only its .part name.
    assert writer.current is not None and part_path(writer.current).exists()
    assert not writer.current.exists()
    published = writer.close()
    assert len(published) > 1, "the size limit did not rotate the files"
    assert not list(tmp_path.glob("*.part"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in published]
    for url, ref in refs:
        record = read_record(tmp_path / str(ref["file"]), int(str(ref["offset"])))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Record-ID") == ref["record_id"]
        assert record.rec_headers.get_header("WARC-Target-URI") == url
        assert record.rec_headers.get_header(LINK_KIND_HEADER) == "article"
        assert record.raw_stream.read().startswith(PAGE)
    # Each file: warcinfo, then response and request pairs, the request naming its response.
    for path in published:
        with path.open("rb") as src:
            records = list(ArchiveIterator(src))
            types = [r.rec_type for r in records]
        assert types[0] == "warcinfo" and types[1:] == ["response", "request"] * (len(types) // 2)


def test_a_torn_last_record_is_cut_off_and_the_file_published(tmp_path: Path) -> None:
    writer = WarcRotatingWriter(tmp_path, "killed")
    refs = write_pages(writer, 5)
    part = part_path(tmp_path / str(refs[0][1]["file"]))
    whole = part.stat().st_size
    # A writer killed mid-write: half of the next record's gzip member reached the file.
    member = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" + PAGE * 3)
    with part.open("ab") as out:
        out.write(member[: len(member) // 2])
    assert complete_length(part) == whole
    final, cut = finish_warc_part(part)
    assert final == tmp_path / str(refs[0][1]["file"]) and final.exists()
    assert not part.exists()
    assert cut == len(member) // 2 and final.stat().st_size == whole
    with final.open("rb") as src:
        responses = [r for r in ArchiveIterator(src) if r.rec_type == "response"]
    assert len(responses) == 5


def test_a_part_with_nothing_whole_is_removed(tmp_path: Path) -> None:
    part = tmp_path / "empty.00000.warc.gz.part"
    part.write_bytes(gzip.compress(b"WARC/1.0\r\n" + PAGE)[:40])
    assert finish_warc_part(part) == (None, 40)
    assert not list(tmp_path.iterdir())
