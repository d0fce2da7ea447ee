"""The URLs a crawl starts from (command line, sites file): one rule for both."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

from crawler.middlewares.secrets import redact

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$", re.I)


class InvalidURL(ValueError):
    """A start URL that cannot be crawled; the message names the problem in one line."""


def check_start_url(url: str) -> str:
    """An absolute http(s) URL with a valid host, or InvalidURL naming the problem.

    The URL is quoted with any `user:password@` masked: error lines end up in cron mail.
    """
    shown = redact(url)
    if not url.strip() or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InvalidURL(f"invalid URL {shown!r}: empty, or contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as exc:
        raise InvalidURL(f"invalid URL {shown!r}: {exc}") from None
    if parts.scheme == "file" or ("://" not in url and Path(url).exists()):
        local = parts.path if parts.scheme == "file" else url
        raise InvalidURL(f"unsupported URL scheme in {shown!r}: only http and https are fetched; "
                         f"for a saved page run `newscrawl extract {local}`")
    if "://" not in url and _bare_host(url):
        raise InvalidURL(f"unsupported URL scheme in {shown!r}: it has no http:// or https://; "
                         f"did you mean {redact('https://' + url)!r}?")
    if parts.scheme not in ("http", "https"):
        raise InvalidURL(f"unsupported URL scheme in {shown!r}: only http and https are fetched")
    if not parts.hostname:
        raise InvalidURL(f"invalid URL {shown!r}: no host name")
    if not _valid_host(parts.hostname):
        raise InvalidURL(f"invalid URL {shown!r}: {parts.hostname!r} is not a valid host name")
    return url


def _bare_host(url: str) -> bool:
    """`example.com/news` or `localhost:8080`: a URL someone typed without its scheme."""
    netloc = url.split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = netloc.partition(":")
    looks_like_host = "." in host or host == "localhost" or bool(port)
    return bool(host) and (not port or port.isdigit()) and looks_like_host and _valid_host(host)


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return len(ascii_host) <= 253 and all(_LABEL.match(label) for label in ascii_host.split("."))
