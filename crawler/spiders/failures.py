"""Download failures -> a short reason code and a sentence for people.

Reason codes are stable (stats keys, run reports, `newscrawl url` FAILED lines). Scrapy
2.19 wraps Twisted's errors in its own exceptions (DownloadTimeoutError, ...); both
spellings are mapped, so a Scrapy upgrade does not turn them into `download_error`.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_NETWORK: tuple[tuple[tuple[type[BaseException], ...], str, str], ...] = (
    ((CannotResolveHostError, net.DNSLookupError), "dns", "the host name does not resolve"),
    ((DownloadConnectionRefusedError, net.ConnectionRefusedError), "connection_refused",
     "the server refused the connection"),
    ((DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError), "timeout",
     "the server did not answer in time"),
    ((ResponseDataLossError, DownloadFailedError, ResponseFailed, ResponseNeverReceived, net.ConnectionLost,
      net.ConnectionDone), "connection_lost", "the connection broke before the response was complete"),
)


def describe_failure(failure: Failure) -> tuple[str, str]:
    return describe_exception(failure.value)


def describe_exception(exc: BaseException | None) -> tuple[str, str]:
    if isinstance(exc, HttpError):
        return _http_status(exc.response.status)
    if isinstance(exc, IgnoreRequest):
        return _ignored(exc)
    if isinstance(exc, DownloadCancelledError):
        message = str(exc)
        if "max size" in message:  # a Content-Length over DOWNLOAD_MAXSIZE
            return "too_large", message.split(" in request ")[0]
        if not message:  # http11 cancels without a message only when a body grows past DOWNLOAD_MAXSIZE
            return "too_large", "the body grew past the download size limit"
        return "cancelled", message
    if isinstance(exc, NotSupported):
        return "unsupported_scheme", str(exc)
    for types, reason, detail in _NETWORK:
        if isinstance(exc, types):
            return reason, detail
    name = type(exc).__name__ if exc is not None else "unknown"
    return "download_error", f"{name}: {exc}"[:300]


def _http_status(status: int) -> tuple[str, str]:
    if status == 429:
        return "rate_limited", "HTTP 429 Too Many Requests"
    if status >= 500:
        return "server_error", f"HTTP {status}"
    return "http_error", f"HTTP {status}"


def _ignored(exc: IgnoreRequest) -> tuple[str, str]:
    reason = getattr(exc, "reason", None)  # crawler.middlewares.refusal.Refused
    if isinstance(reason, str):
        return reason, str(getattr(exc, "detail", exc))
    message = str(exc) or "request ignored"
    if "robots.txt" in message:
        return "robots_disallowed", "forbidden by robots.txt"
    if "max redirections" in message.lower():
        return "too_many_redirects", message
    if "during decompression" in message:  # HttpCompressionMiddleware over DOWNLOAD_MAXSIZE
        return "decompression_bomb", message
    return "ignored", message
