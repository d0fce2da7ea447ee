"""Redirects with reasons: `redirect_scheme`, `redirect_loop`, `too_many_redirects`.

Scrapy's RedirectMiddleware already follows only http(s) targets, but it hands the 3xx
response to the spider, where it becomes an anonymous HTTP error; a redirect to
`file:`, `ftp:`, `data:` or `gopher:` is an attack or a misconfiguration and is refused
by name here. A redirect back to a URL of its own chain is a loop: refused at once for
discovered links (the duplicate filter would drop it silently), at REDIRECT_MAX_TIMES for
URLs asked for by name; a chain longer than that without a repeat is only too long.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.urls import site_of

from .refusal import refuse

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_FETCHED_SCHEMES = frozenset({"http", "https"})


class SafeRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        target = self._target(request, response)
        if target is not None:
            scheme = urlsplit(target).scheme.lower()
            if scheme not in _FETCHED_SCHEMES:
                detail = f"redirect to a {scheme or 'schemeless'}: URL refused (only http(s) is fetched)"
                raise refuse(self.crawler, request, "redirect_scheme", detail)
        chain = [urldefrag(url)[0] for url in (*request.meta.get("redirect_urls", []), request.url)]
        revisit = target is not None and urldefrag(target)[0] in chain
        if revisit and not request.dont_filter:
            # Refused now: Scrapy's duplicate filter would drop the repeat without a word.
            raise refuse(self.crawler, request, "redirect_loop",
                         f"redirects go round in a loop ({len(chain)} hops)")
        try:  # a URL asked for by name may bounce back once (a cookie check); the limit ends real loops
            result = super().process_response(request, response)
            if result is not response and self.crawler.stats is not None:  # a hop, not a page
                site = site_of(request.meta.get("requested_url", request.url))
                self.crawler.stats.inc_value(f"newscrawl/site/{site}/redirects")
            return result
        except IgnoreRequest as exc:
            if "max redirections" not in str(exc):
                raise
            if revisit or len(set(chain)) < len(chain):
                raise refuse(self.crawler, request, "redirect_loop",
                             f"redirects go round in a loop ({len(chain)} hops)") from None
            raise refuse(self.crawler, request, "too_many_redirects",
                         f"more than {self.max_redirect_times} redirects") from None

    def _target(self, request: Request, response: Response) -> str | None:
        """Where a redirect this middleware would follow points to; None if it would not follow it."""
        meta = request.meta
        if (meta.get("dont_redirect") or meta.get("handle_httpstatus_all")
                or response.status in meta.get("handle_httpstatus_list", ())
                or response.status in getattr(self.crawler.spider, "handle_httpstatus_list", ())
                or response.status not in _REDIRECT_STATUSES or b"Location" not in response.headers):
            return None
        location = (response.headers.get(b"Location") or b"").decode("latin-1").strip()
        if location.startswith("//"):
            location = f"{urlsplit(request.url).scheme}:{location}"
        return urljoin(request.url, location)
