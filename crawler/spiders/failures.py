"""Download failures -> a short reason code and a sentence for people."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_NETWORK = (
    (net.DNSLookupError, "dns", "the host name does not resolve"),
    (net.ConnectionRefusedError, "connection_refused", "the server refused the connection"),
    ((net.TimeoutError, net.TCPTimedOutError), "timeout", "the server did not answer in time"),
    ((ResponseFailed, ResponseNeverReceived, net.ConnectionLost, net.ConnectionDone), "connection_lost",
     "the connection broke before the response was complete"),
)


def describe_failure(failure: Failure) -> tuple[str, str]:
    if failure.check(HttpError):
        status = failure.value.response.status
        return "http_error", f"HTTP {status}"
    if failure.check(IgnoreRequest):
        message = str(failure.value) or "request ignored"
        if "robots.txt" in message:
            return "robots_disallowed", "forbidden by robots.txt"
        if "max redirections" in message.lower() or "redirect" in message.lower():
            return "redirect_error", message
        return "ignored", message
    for types, reason, detail in _NETWORK:
        if failure.check(*types if isinstance(types, tuple) else (types,)):
            return reason, detail
    return "download_error", f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
