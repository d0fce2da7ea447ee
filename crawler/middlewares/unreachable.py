"""A site whose first request finds no server ends at once.

The first request of a site (its robots.txt; a URL given to `newscrawl url`) carries
`site_probe` in its meta. When it fails with a DNS error or a refused connection, retrying
it, then three sitemap guesses and the homepage, costs ~20 s and says nothing new: the
request is not retried and the spider ends the site (crawler/spiders/discovery.py).
Placed just above RetryMiddleware (550): process_exception runs from high numbers to low,
so this sees the failure first and can mark it `dont_retry`.
"""

from __future__ import annotations

from scrapy import Request

from crawler.spiders.failures import describe_exception

UNREACHABLE = ("dns", "connection_refused")


class SiteProbeMiddleware:
    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.get("site_probe") and describe_exception(exception)[0] in UNREACHABLE:
            request.meta["dont_retry"] = True
