"""The run summary's failure kinds and its log form."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.discovery.failures import failure_kind
from newscrawl.output.summary import format_summary


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (HttpError(Response("http://127.0.0.1/x", status=404)), "http/404"),
        (HttpError(Response("http://127.0.0.1/x", status=503)), "http/503"),
        (DownloadCancelledError("Expected to receive 23080858 bytes"), "refused/too_large"),
        (
            IgnoreRequest("Ignored response because its body exceeded DOWNLOAD_MAXSIZE"),
            "refused/too_large_decompressed",
        ),
        (IgnoreRequest("Forbidden by robots.txt"), "refused/robots"),
        (IgnoreRequest("Filtered offsite request to 'x.example'"), "refused/offsite"),
        (IgnoreRequest("max redirections reached"), "refused/redirect_limit"),
        (IgnoreRequest("something else"), "refused/other"),
        (DownloadTimeoutError("took longer than 10.0 seconds"), "timeout"),
        (DownloadConnectionRefusedError(), "connection_refused"),
        (ResponseDataLossError(), "data_loss"),
        (ValueError("odd"), "other/ValueError"),
    ],
)
def test_failure_kind(exc: BaseException, kind: str) -> None:
    assert failure_kind(exc) == kind


def test_summary_lines_name_refusals_and_files() -> None:
    summary = {
        "finish_reason": "finished",
        "elapsed_seconds": 12.5,
        "requests": 700,
        "response_bytes": 7_000_000,
        "articles": 497,
        "by_type": {"article": 400, "video": 97},
        "by_section": {"Politics": 200},
        "rejects": 1,
        "rejects_by_reason": {"no body and no media": 1},
        "duplicates": 2,
        "errors": {"refused/too_large": 1, "refused/redirect_limit": 1},
        "retries": {},
        "links_not_followed": {"offsite": 3},
        "filtered": {},
        "listing_stops": {"empty": 4},
        "feed": "output/almayadeen/en/2026-11-27T12-00-00Z.jsonl",
        "rejects_file": "output/almayadeen/en/2026-11-27T12-00-00Z.rejects.jl",
    }
    text = format_summary(summary)
    assert "articles: 497" in text
    assert "by type: article 400, video 97" in text
    assert "rejects: 1; no body and no media 1" in text
    assert "duplicates dropped: 2" in text
    assert "errors: refused/too_large 1, refused/redirect_limit 1" in text
    assert "retries: none" in text
    assert "feed: output/almayadeen/en/2026-11-27T12-00-00Z.jsonl" in text
