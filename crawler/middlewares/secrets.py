"""Credentials stay with the site they were given for, and out of logs, stats and records.

* `user:password@` in a URL becomes an `Authorization: Basic` header for that request
  and leaves the URL, so `fetched_url`, log lines and FAILED lines never carry it.
* A redirect to another site, or from https down to http, drops Authorization and Cookie
  headers, including ones DEFAULT_REQUEST_HEADERS would put back on every request.
  (Scrapy strips them from the redirected request, but DefaultHeadersMiddleware, which
  runs again on it, re-adds the defaults; cookies the server set stay with the jar,
  which is per domain.)
* Every log record goes through `redact`: URL userinfo and the values of Authorization,
  Proxy-Authorization, Cookie and Set-Cookie are replaced by `***` (Scrapy logs request
  URLs, overridden settings, exceptions; COOKIES_DEBUG logs the headers themselves).

`redact` also masks the URLs the commands print, `newscrawl extract` among them, which never
loads Scrapy (~22 MiB): so Scrapy is imported only where a middleware runs.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from crawler.urls import site_of

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/?#@'\"<>]+@")
_SECRET_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization|(?:set-)?cookie)(['\"]?\s*[:=]\s*\[?\s*(?:b?['\"])?)([^'\"\r\n,}\]]+)")
SECRET_HEADERS = (b"Authorization", b"Cookie")


def redact(text: str) -> str:
    return _SECRET_HEADER.sub(r"\1\2***", _USERINFO.sub(r"\1***@", text))


def without_userinfo(url: str) -> tuple[str, str | None]:
    """(url without `user:pass@`, `user:pass` or None)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=hostport)), userinfo


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def install_log_redaction() -> None:
    """On every root handler (Scrapy's included), once."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class RedactLogsAddon:
    """An add-on, because add-ons run before Scrapy logs the overridden settings."""

    def update_settings(self, settings: BaseSettings) -> None:
        install_log_redaction()


class UserinfoMiddleware:
    """Runs first: robots.txt, the private-address check and the log see the clean URL."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UserinfoMiddleware:
        install_log_redaction()  # also under frameworks that skip add-ons
        return cls()

    def process_request(self, request: Request) -> Request | None:
        clean, userinfo = without_userinfo(request.url)
        if userinfo is None:
            return None
        headers = request.headers.copy()
        if b"Authorization" not in headers:
            credentials = unquote(userinfo) if ":" in userinfo else f"{unquote(userinfo)}:"
            token = base64.b64encode(credentials.encode("utf-8")).decode("ascii")
            headers[b"Authorization"] = f"Basic {token}"
        meta = {**request.meta, "credentials_site": site_of(clean)}
        return request.replace(url=clean, headers=headers, meta=meta)


class CrossSiteSecretsMiddleware:
    """After DefaultHeadersMiddleware: credentials go only to the sites the user named.

    A request to any other site (a redirect target, or that site's robots.txt, which the
    robots middleware requests afresh) and a redirect chain that leaves its first site or
    drops from https to http lose their Authorization and Cookie headers.
    """

    def __init__(self) -> None:
        self.spider: Spider | None = None
        self.known: tuple[int, set[str]] = (0, set())  # (URLs seen, their sites)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrossSiteSecretsMiddleware:
        from scrapy import signals  # here: see the module docstring

        middleware = cls()
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider

    @property
    def sites(self) -> set[str]:
        """The user's sites; empty: only the redirect rule applies. Read from the spider when asked,
        not at spider_opened: a sites file run fills the spider's sites when it starts."""
        urls = [*getattr(self.spider, "site_urls", []), *getattr(self.spider, "article_urls", [])]
        if len(urls) != self.known[0]:
            self.known = (len(urls), {site for site in (site_of(without_userinfo(url)[0]) for url in urls) if site})
        return self.known[1]

    def process_request(self, request: Request) -> None:
        site = site_of(request.url)
        if request.meta.get("credentials_site") == site and site:
            return  # userinfo given in this very URL
        sites = self.sites
        if (sites and site not in sites) or self._leaves_chain(request):
            for name in SECRET_HEADERS:
                request.headers.pop(name, None)

    @staticmethod
    def _leaves_chain(request: Request) -> bool:
        chain = request.meta.get("redirect_urls")
        if not chain:
            return False
        origin = urlsplit(chain[0])
        downgraded = origin.scheme == "https" and urlsplit(request.url).scheme != "https"
        return site_of(request.url) != site_of(chain[0]) or downgraded
