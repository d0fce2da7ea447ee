"""A progress line on stderr every NEWSCRAWL_PROGRESS_INTERVAL seconds while a crawl runs."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from .summary import site_counters, totals


class Progress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None
        self.last = (time.monotonic(), 0)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", 0.0)
        if interval <= 0:
            raise NotConfigured("progress lines off")
        return cls(crawler, interval)

    def spider_opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self) -> None:
        print(self.line(), file=sys.stderr, flush=True)

    def line(self) -> str:
        """The run summary's counters so far, summed over sites, under the same names."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        total = totals(site_counters(stats))
        now = time.monotonic()
        rate = (total["pages"] - self.last[1]) / max(now - self.last[0], 1e-6)
        self.last = (now, total["pages"])
        engine = self.crawler.engine
        scheduler = getattr(getattr(engine, "_slot", None), "scheduler", None) if engine else None
        queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else "?"
        return (f"newscrawl: articles {total['articles']} | pages {total['pages']} ({rate:.1f}/s) | "
                f"queue {queued} | dropped {total['dropped']} | failed {total['failed']} | "
                f"failed_links {total['failed_links']} | skipped {total['skipped']}")
