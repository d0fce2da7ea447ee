"""Per-site budgets: NEWSCRAWL_MAX_PAGES requests and NEWSCRAWL_MAX_ARTICLES records per
site, or per-site values from NEWSCRAWL_SITE_LIMITS (the sites file of `newscrawl run`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler

from crawler.items import ArticleRecord
from crawler.urls import site_of
from pipelines.limits import SiteLimits

from .refusal import Skipped


class SiteBudgetMiddleware:
    """Ignores requests to a site once its page budget or article quota is used up."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limits = SiteLimits(crawler.settings)
        self.pages: Counter[str] = Counter()
        self.articles: Counter[str] = Counter()
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBudgetMiddleware:
        return cls(crawler)

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, ArticleRecord) and item.site:
            self.articles[item.site] += 1

    def process_request(self, request: Request) -> None:
        site = site_of(request.url) or ""
        max_articles = self.limits.get(site, "max_articles")
        if max_articles and request.meta.get("article") and self.articles[site] >= max_articles:
            self._count("max_articles", site)
            raise Skipped("max_articles", f"article quota of {max_articles} reached for {site}")
        max_pages = self.limits.get(site, "max_pages")
        if max_pages:
            if self.pages[site] >= max_pages:
                self._count("max_pages", site)
                raise Skipped("max_pages", f"page budget of {max_pages} reached for {site}")
            self.pages[site] += 1

    def _count(self, reason: str, site: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/skipped/{reason}")
            self.crawler.stats.inc_value(f"newscrawl/site/{site}/skipped/{reason}")
