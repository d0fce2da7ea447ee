"""Per-site budgets: NEWSCRAWL_MAX_PAGES requests and NEWSCRAWL_MAX_ARTICLES records per site."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.items import ArticleRecord
from pipelines.normalization.urls import site_of


class SiteBudgetMiddleware:
    """Ignores requests to a site once its page budget or article quota is used up."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_pages = crawler.settings.getint("NEWSCRAWL_MAX_PAGES", 0)
        self.max_articles = crawler.settings.getint("NEWSCRAWL_MAX_ARTICLES", 0)
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
        if self.max_articles and request.meta.get("article") and self.articles[site] >= self.max_articles:
            self._count("max_articles", site)
            raise IgnoreRequest(f"article quota of {self.max_articles} reached for {site}")
        if self.max_pages:
            if self.pages[site] >= self.max_pages:
                self._count("max_pages", site)
                raise IgnoreRequest(f"page budget of {self.max_pages} reached for {site}")
            self.pages[site] += 1

    def _count(self, reason: str, site: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/skipped/{reason}")
            self.crawler.stats.inc_value(f"newscrawl/site/{site}/skipped/{reason}")
