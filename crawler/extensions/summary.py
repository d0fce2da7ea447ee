"""Per-site run summary: pages, articles, drops by reason, failures by kind, skips by reason.

The counters, per site (README, "Counters", says the same to users):

    pages          every response received: robots.txt, sitemaps, feeds, listings, articles,
                   error pages. Redirect hops are not pages: they are counted in `redirects`.
    article_pages  pages extracted as articles; article_pages = articles + sum(dropped)
    articles       records written
    dropped        article pages that gave no record, by reason (not_article, near_duplicate, ...)
    failed         articles that could not be fetched (listed in a sitemap or feed, or asked for)
    failed_links   other URLs that could not be fetched: listings, sitemaps, feeds, robots.txt,
                   and article-looking links (a dead link is not an article lost)
    skipped        links not fetched on purpose: calendar traps, --since, limits, already seen

The progress line shows the same counters, summed over sites.
Settings read: NEWSCRAWL_STATS_FILE (write it as JSON), NEWSCRAWL_SUMMARY (print it on stderr).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.urls import site_of

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

    def item_scraped(self, item: Any) -> None:
        # Counted for the site that was crawled: a canonical URL may name another host.
        self._inc(getattr(item, "requested_url", None) or getattr(item, "url", None), "articles")

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        url = getattr(item, "requested_url", None) or getattr(item, "url", None)
        self._inc(url, f"dropped/{drop_reason(exception)}")

    def summary(self, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        sites = site_counters(stats)
        now = datetime.now(timezone.utc)
        redis_error = stats.get("newscrawl/redis/error")
        output_error = stats.get("newscrawl/output/error")
        if output_error and reason == "finished":  # the last part failed while closing
            reason = "output_error"
        return {
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": now.isoformat(timespec="seconds"),
            "elapsed_seconds": round((now - self.started).total_seconds(), 2),
            "finish_reason": reason,
            **({"output_error": output_error,
                "discarded_records": stats.get("newscrawl/output/discarded_records", 0)}
               if output_error else {}),
            **({"redis_error": redis_error} if redis_error else {}),
            **({"state_rebuilt": {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                                  if k.startswith("newscrawl/state/rebuilt/")}}
               if any(k.startswith("newscrawl/state/rebuilt/") for k in stats) else {}),
            **({"damaged_parts": stats.get("newscrawl/output/damaged_parts"),
                "forgotten_records": stats.get("newscrawl/output/forgotten_records", 0)}
               if stats.get("newscrawl/output/damaged_parts") else {}),
            **totals(sites),
            # every download attempt: retries and redirect hops too
            "requests": stats.get("downloader/request_count", 0),
            "robots_forbidden": stats.get("robotstxt/forbidden", 0),
            "retry_after_waits": stats.get("newscrawl/retry_after", 0),
            "not_modified": stats.get("httpcache/revalidate", 0),  # 304s (the cache turns them into 200s)
            "sites": dict(sorted(sites.items())),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = self.summary(reason)
        if self.show:
            print(format_summary(report, self.crawler.settings.get("NEWSCRAWL_SITES_FILE")), file=sys.stderr)
        settings = self.crawler.settings
        if settings.get("REDIS_URL") and settings.get("NEWSCRAWL_REDIS_CRAWL") and reason != "redis_unavailable":
            self.publish(report)
        if self.crawler.settings.get("NEWSCRAWL_SITES_FILE"):
            report = run_report(report, self.crawler.settings)
        if self.path:
            write_json_atomically(Path(self.path), report)

    def publish(self, report: dict[str, Any]) -> None:
        """Leave this worker's summary in Redis for the coordinator's merged report."""
        from redis.exceptions import RedisError

        from crawler.distributed import connection
        from crawler.distributed.keys import RunKeys
        from crawler.distributed.reports import publish

        settings = self.crawler.settings
        keys = RunKeys(settings.get("NEWSCRAWL_REDIS_CRAWL"), settings.get("NEWSCRAWL_RUN_ID"))
        try:
            publish(connection.from_settings(settings), keys, settings.get("NEWSCRAWL_WORKER_ID"), report)
        except RedisError as exc:
            logging.getLogger(__name__).error("could not leave the run summary in Redis: %s", exc)


GROUPS = ("dropped", "failed", "failed_links", "skipped", "discovery_invalid")
COUNTS = ("pages", "redirects", "article_pages", "articles")


def site_counters(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-site counters of the module docstring, from Scrapy's stats."""
    sites: dict[str, dict[str, Any]] = defaultdict(lambda: {
        **dict.fromkeys(COUNTS, 0), "dropped": {}, "failed": {}, "failed_links": {}, "skipped": {}})
    for key, value in stats.items():
        if not key.startswith(PREFIX):
            continue
        site, _, name = key[len(PREFIX):].partition("/")
        group, _, detail = name.partition("/")
        if detail and group in GROUPS:
            sites[site].setdefault(group, {})[detail] = value
        elif not detail:
            sites[site][name] = value
    return dict(sorted(sites.items()))


def totals(sites: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Counters summed over sites: the run's headline and the progress line."""
    total = {name: sum(int(entry.get(name, 0)) for entry in sites.values()) for name in COUNTS}
    for group in ("dropped", "failed", "failed_links", "skipped"):
        total[group] = sum(sum(entry.get(group, {}).values()) for entry in sites.values())
    return total


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    # A temporary name of this process's own: the workers of a distributed run on one machine
    # share the state directory, and with one shared name a replace found the file gone.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


HINTS = {
    "private_address": "refused because the host is or resolves to a private/loopback address: "
                       "{allow}",
}


def format_summary(report: dict[str, Any], sites_file: str | None = None) -> str:
    """The summary for people: the same numbers as the JSON, each group labelled with what it holds."""
    lines = [f"newscrawl: {report['articles']} articles from {report['pages']} pages in "
             f"{report['elapsed_seconds']:.1f} s ({report['finish_reason']})"]
    if report.get("discarded_records"):  # a write error: the parts hold fewer than were extracted
        lines[0] += (f"; {report['discarded_records']} of them discarded by the write error, "
                     f"{report['articles'] - report['discarded_records']} written")
    seen: set[str] = set()
    for site, entry in report["sites"].items():
        lines.append(f"  {site}: {entry['articles']} articles from {entry['article_pages']} article pages; "
                     f"{entry['pages']} pages, {entry.get('redirects', 0)} redirects")
        for group, label in (("dropped", "article pages without a record"),
                             ("failed", "articles not fetched"),
                             ("failed_links", "other URLs not fetched"),
                             ("skipped", "links not followed")):
            if entry.get(group):
                detail = ", ".join(f"{k} {v}" for k, v in sorted(entry[group].items()))
                lines.append(f"    {group} ({label}): {detail}")
                seen.update(entry[group])
    allow = (f"set allow_private = true in the [run] table of {sites_file}" if sites_file
             else "-s NEWSCRAWL_REFUSE_PRIVATE=false allows them")
    for reason in sorted(seen & set(HINTS)):
        lines.append(f"  note: {reason}: {HINTS[reason].format(allow=allow)}")
    return "\n".join(lines)


def run_report(summary: dict[str, Any], settings: BaseSettings) -> dict[str, Any]:
    """The summary as a per-site report for cron: new, skipped as seen, failed, status. The sites,
    output and state come from the settings crawler.addon.SitesFileAddon set."""
    sites: dict[str, Any] = {}
    for site in settings.getlist("NEWSCRAWL_SITES"):
        entry = summary["sites"].get(site_of(site["urls"][0]) or "", {})
        failed = entry.get("failed", {})
        new = entry.get("articles", 0) - entry.get("discarded", 0)  # parts discarded on a write error
        seen = entry.get("skipped", {}).get("seen_before", 0)
        nothing_fetched = entry.get("pages", 0) == 0
        status = "failed" if nothing_fetched or (new == 0 and seen == 0 and failed) else "ok"
        if status == "ok" and summary.get("finish_reason") != "finished":
            status = "incomplete"  # the run stopped early: this site was not crawled to the end
        sites[site["name"]] = {"status": status, "new": new, "skipped_seen": seen,
                            "unchanged": entry.get("dropped", {}).get("unchanged", 0),
                            "failed": failed, "detail": entry}
    report = {"run_id": settings.get("NEWSCRAWL_RUN_ID"), "sites_file": settings.get("NEWSCRAWL_SITES_FILE"),
              "output": settings.get("NEWSCRAWL_OUTPUT_DIR"),
              **{k: v for k, v in summary.items() if k != "sites"}, "sites": sites}
    runs = Path(settings["NEWSCRAWL_STATE_DIR"]) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    write_json_atomically(runs / "last-run.json", report)
    return report
