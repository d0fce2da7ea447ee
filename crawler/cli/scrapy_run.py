"""Run one of our spiders in this process and collect what happened to each URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.items import ArticleRecord, RawPage
from crawler.signals import page_failed


@dataclass
class CrawlOutcome:
    """Requested URL -> written, or the reason it was not."""

    written: set[str] = field(default_factory=set)
    failures: dict[str, str] = field(default_factory=dict)

    def on_scraped(self, item: Any) -> None:
        if isinstance(item, ArticleRecord) and item.requested_url:
            self.written.add(item.requested_url)

    def on_dropped(self, item: Any, exception: BaseException) -> None:
        url = getattr(item, "requested_url", None)
        if url:
            self.failures[url] = str(exception)

    def on_failed(self, url: str, reason: str, detail: str) -> None:
        self.failures[url] = f"{reason}: {detail}"


def crawl_settings(output: Path | None, overrides: dict[str, str], *, verbose: bool) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    target = output.resolve().as_uri() if output else "stdout:"
    feed = {"format": "jsonlines", "encoding": "utf-8", "overwrite": True,
            "item_classes": [ArticleRecord], "fields": settings.getlist("FEED_EXPORT_FIELDS")}
    settings.set("FEEDS", {target: feed}, priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if verbose else "ERROR", priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(spider_cls: type, settings: Settings, outcome: CrawlOutcome, **spider_args: Any) -> None:
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(spider_cls)
    crawler.signals.connect(outcome.on_scraped, signal=signals.item_scraped)
    crawler.signals.connect(outcome.on_dropped, signal=signals.item_dropped)
    crawler.signals.connect(outcome.on_failed, signal=page_failed)
    process.crawl(crawler, **spider_args)
    process.start()
