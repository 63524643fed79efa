"""Why a request failed, as a short stable name: the spider's errback counts failed requests
by it (``newscrawl/errors/{kind}``) and the run summary reports those counts."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

#: IgnoreRequest messages of Scrapy's middlewares -> the kind the summary reports.
IGNORE_REASONS: tuple[tuple[str, str], ...] = (
    ("robots.txt", "refused/robots"),
    ("DOWNLOAD_MAXSIZE", "refused/too_large_decompressed"),
    ("offsite", "refused/offsite"),
    ("max redirections", "refused/redirect_limit"),
    # newscrawl.integrity.DamagedPage: an article page still damaged after its retries.
    ("damaged page", "damaged"),
)


def failure_kind(exc: BaseException) -> str:
    """A short, stable name for why a request failed, for the summary."""
    if isinstance(exc, HttpError):
        return f"http/{exc.response.status}"
    if isinstance(exc, DownloadCancelledError):
        return "refused/too_large"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        for needle, kind in IGNORE_REASONS:
            if needle in text:
                return kind
        return "refused/other"
    if isinstance(exc, DownloadTimeoutError | twisted_errors.TimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, CannotResolveHostError | twisted_errors.DNSLookupError):
        return "dns"
    if isinstance(exc, DownloadConnectionRefusedError | twisted_errors.ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, ResponseDataLossError):
        return "data_loss"
    if isinstance(
        exc,
        DownloadFailedError
        | ResponseNeverReceived
        | ResponseFailed
        | twisted_errors.ConnectionLost,
    ):
        return "connection_lost"
    return f"other/{type(exc).__name__}"
