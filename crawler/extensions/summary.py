"""Per-site run summary: pages, articles, non-articles, drops by reason, errors by kind.

Settings read: NEWSCRAWL_STATS_FILE (write it as JSON), NEWSCRAWL_SUMMARY (print it on stderr).
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from pipelines.normalization.urls import site_of

PREFIX = "newscrawl/site/"


def drop_reason(exception: BaseException) -> str:
    """`not_article` from `not_article: too little text ...` (our DropItem messages start with a code)."""
    code = str(exception).split(":", 1)[0].strip()
    return code if code.replace("_", "").isalnum() else "other"


class RunSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("NEWSCRAWL_STATS_FILE")
        self.show = crawler.settings.getbool("NEWSCRAWL_SUMMARY")
        self.started = datetime.now(timezone.utc)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunSummary:
        return cls(crawler)

    def _inc(self, url: str | None, key: str) -> None:
        site = site_of(url)
        if site and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{PREFIX}{site}/{key}")

    def response_received(self, response: Response, request: Request) -> None:
        self._inc(response.url, "pages")
        if request.meta.get("article"):
            self._inc(response.url, "article_pages")

    def item_scraped(self, item: Any) -> None:
        self._inc(getattr(item, "url", None), "articles")

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        self._inc(getattr(item, "url", None), f"dropped/{drop_reason(exception)}")

    def summary(self, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        sites: dict[str, dict[str, Any]] = defaultdict(lambda: {
            "pages": 0, "article_pages": 0, "articles": 0, "non_articles": 0,
            "dropped": {}, "failed": {}, "skipped": {}})
        for key, value in stats.items():
            if not key.startswith(PREFIX):
                continue
            site, _, name = key[len(PREFIX):].partition("/")
            group, _, detail = name.partition("/")
            if detail and group in ("dropped", "failed", "skipped", "failed_links", "discovery_invalid"):
                sites[site].setdefault(group, {})[detail] = value
            elif not detail:
                sites[site][name] = value
        for entry in sites.values():
            entry["non_articles"] = entry["dropped"].get("not_article", 0)
        now = datetime.now(timezone.utc)
        return {
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": now.isoformat(timespec="seconds"),
            "elapsed_seconds": round((now - self.started).total_seconds(), 2),
            "finish_reason": reason,
            "pages": stats.get("response_received_count", 0),
            "articles": stats.get("item_scraped_count", 0),
            "requests": stats.get("downloader/request_count", 0),
            "robots_forbidden": stats.get("robotstxt/forbidden", 0),
            "retry_after_waits": stats.get("newscrawl/retry_after", 0),
            "not_modified": stats.get("httpcache/revalidate", 0),  # 304s (the cache turns them into 200s)
            "sites": dict(sorted(sites.items())),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = self.summary(reason)
        if self.show:
            print(format_summary(report), file=sys.stderr)
        settings = self.crawler.settings
        if settings.get("REDIS_URL") and settings.get("NEWSCRAWL_REDIS_CRAWL"):
            from scrapy_redis import connection

            from crawler.distributed.keys import RunKeys
            from crawler.distributed.reports import publish

            keys = RunKeys(settings.get("NEWSCRAWL_REDIS_CRAWL"), settings.get("NEWSCRAWL_RUN_ID"))
            publish(connection.from_settings(settings), keys, settings.get("NEWSCRAWL_WORKER_ID"), report)
        sites_file = self.crawler.settings.get("NEWSCRAWL_SITES_FILE")
        if sites_file:
            report = run_report(report, Path(sites_file), self.crawler.settings.get("NEWSCRAWL_RUN_ID"))
        if self.path:
            write_json_atomically(Path(self.path), report)


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def format_summary(report: dict[str, Any]) -> str:
    lines = [f"newscrawl: {report['articles']} articles from {report['pages']} pages in "
             f"{report['elapsed_seconds']:.1f} s ({report['finish_reason']})"]
    for site, entry in report["sites"].items():
        lines.append(f"  {site}: {entry['pages']} pages, {entry['articles']} articles, "
                     f"{entry['non_articles']} non-articles skipped")
        for group in ("dropped", "failed", "skipped", "failed_links"):
            if entry.get(group):
                detail = ", ".join(f"{k} {v}" for k, v in sorted(entry[group].items()))
                lines.append(f"    {group}: {detail}")
    return "\n".join(lines)


def run_report(summary: dict[str, Any], sites_file: Path, run_id: str | None) -> dict[str, Any]:
    """The summary as a per-site report for cron: new, skipped as seen, failed, status."""
    from crawler.sitesfile import load_sites_file

    config = load_sites_file(sites_file)
    sites: dict[str, Any] = {}
    for site in config.sites:
        entry = summary["sites"].get(site_of(site.urls[0]) or "", {})
        failed = entry.get("failed", {})
        new = entry.get("articles", 0)
        seen = entry.get("skipped", {}).get("seen_before", 0)
        nothing_fetched = entry.get("pages", 0) == 0
        status = "failed" if nothing_fetched or (new == 0 and seen == 0 and failed) else "ok"
        sites[site.name] = {"status": status, "new": new, "skipped_seen": seen,
                            "unchanged": entry.get("dropped", {}).get("unchanged", 0),
                            "failed": failed, "detail": entry}
    report = {"run_id": run_id, "sites_file": str(sites_file), "output": str(config.output),
              **{k: v for k, v in summary.items() if k != "sites"}, "sites": sites}
    runs = config.state / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    write_json_atomically(runs / "last-run.json", report)
    return report
