"""Run one of our spiders in this process and collect what happened to each URL."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.items import ArticleRecord
from crawler.signals import page_failed

from .outputs import partial_path


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
    target = partial_path(output).resolve().as_uri() if output else "stdout:"
    feed = {"format": "jsonlines", "encoding": "utf-8", "overwrite": bool(output),
            "item_classes": [ArticleRecord], "fields": settings.getlist("FEED_EXPORT_FIELDS")}
    settings.set("FEEDS", {target: feed}, priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if verbose else "ERROR", priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


class CoveredByOurReport(logging.Filter):
    """Without -v, Scrapy's "Gave up retrying <GET ...>" ERROR lines only repeat what the run
    summary and the FAILED lines say (the failure is counted by reason): a cron log filled
    with them hides the errors that matter, which still print."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Gave up retrying")


def run_crawl(spider_cls: type, settings: Settings, outcome: CrawlOutcome, output: Path | None = None,
              **spider_args: Any) -> str:
    """Run the crawl; move the finished feed into place. Returns Scrapy's finish reason."""
    retry_log = logging.getLogger("scrapy.downloadermiddlewares.retry")
    quiet = CoveredByOurReport()
    if logging.getLevelName(str(settings.get("LOG_LEVEL")).upper()) >= logging.ERROR:
        retry_log.addFilter(quiet)
    try:
        return _run(spider_cls, settings, outcome, output, **spider_args)
    finally:
        retry_log.removeFilter(quiet)


def _run(spider_cls: type, settings: Settings, outcome: CrawlOutcome, output: Path | None,
         **spider_args: Any) -> str:
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    crawler.signals.connect(outcome.on_scraped, signal=signals.item_scraped)
    crawler.signals.connect(outcome.on_dropped, signal=signals.item_dropped)
    crawler.signals.connect(outcome.on_failed, signal=page_failed)
    process.crawl(crawler, **spider_args)
    process.start()
    reason = str(crawler.stats.get_value("finish_reason", "unknown")) if crawler.stats else "unknown"
    if output is not None and partial_path(output).exists():
        partial_path(output).replace(output)
    return reason
