"""Scrapy add-on: a sites file turns a crawl into a scheduled run.

    scrapy crawl news -s NEWSCRAWL_SITES_FILE=sites.toml       # what `newscrawl run` does
    curl http://127.0.0.1:6800/schedule.json -d project=newscrawl -d spider=news \\
         -d setting=NEWSCRAWL_SITES_FILE=/srv/newscrawl/sites.toml   # the same through scrapyd

It sets, at spider priority (above crawler/settings.py, below `-s`): the output and state directories,
the revalidating HTTP cache, per-site limits and download slots, the run id, the report
path, and NEWSCRAWL_REFUSE_PRIVATE (on unless `allow_private = true`). The spider reads
the sites and their options from the same file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

from crawler.sitesfile import RunConfig, load_sites_file
from pipelines.contracts.urls import site_of
from pipelines.output import new_run_id


class SitesFileAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        path = settings.get("NEWSCRAWL_SITES_FILE")
        if not path:
            return
        config = load_sites_file(Path(path))
        run_id = settings.get("NEWSCRAWL_RUN_ID") or new_run_id()
        chosen: dict[str, Any] = {
            "NEWSCRAWL_OUTPUT_DIR": str(config.output.resolve()),
            "NEWSCRAWL_STATE_DIR": str(config.state.resolve()),
            "NEWSCRAWL_RUN_ID": run_id,
            "NEWSCRAWL_STATS_FILE": str((config.state / "runs" / f"{run_id}.json").resolve()),
            "NEWSCRAWL_SINCE": config.since,
            "NEWSCRAWL_MAX_ARTICLES": config.max_articles,
            "NEWSCRAWL_MAX_PAGES": config.max_pages,
            "NEWSCRAWL_DEPTH": config.depth,
            "USER_AGENT": config.user_agent,
            "HTTPCACHE_ENABLED": True,
            "HTTPCACHE_DIR": str((config.state / "httpcache").resolve()),
            "NEWSCRAWL_SITE_LIMITS": {site_of(url): {"max_pages": s.max_pages, "max_articles": s.max_articles}
                                      for s in config.sites for url in s.urls},
            "DOWNLOAD_SLOTS": download_slots(config),
            # A scheduled run fetches what a file names, unattended: no internal network unless allowed.
            "NEWSCRAWL_REFUSE_PRIVATE": not config.allow_private,
            "NEWSCRAWL_WARC_DIR": str(config.warc.resolve()) if config.warc else None,
        }
        if settings.get("REDIS_URL"):
            chosen.update(distributed_settings(settings, config))
        for name, value in {**config.settings, **chosen}.items():
            if value is not None:
                settings.set(name, value, priority="spider")


def distributed_settings(settings: BaseSettings, config: RunConfig) -> dict[str, Any]:
    """REDIS_URL switches a run to the shared frontier: one queue, one dupefilter, one state."""
    import os
    import socket

    return {
        "SCHEDULER": "crawler.distributed.scheduler.LeasedScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.dupefilter.FingerprintDupeFilter",
        "NEWSCRAWL_STATE_STORE": "crawler.distributed.state.RedisStateStore",
        "NEWSCRAWL_REDIS_CRAWL": settings.get("NEWSCRAWL_REDIS_CRAWL") or config.path.stem,
        "NEWSCRAWL_WORKER_ID": settings.get("NEWSCRAWL_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}",
        "NEWSCRAWL_NEARDUP_STORE": settings.get("NEWSCRAWL_NEARDUP_STORE")
        or "crawler.distributed.neardup.RedisNearDupStore",
    }


def download_slots(config: RunConfig) -> dict[str, dict[str, float]]:
    """Per-site delay and concurrency: Scrapy's download slots are keyed by host."""
    slots: dict[str, dict[str, float]] = {}
    for site in config.sites:
        slot: dict[str, float] = {}
        if site.delay is not None:
            slot["delay"] = site.delay
        if site.concurrency is not None:
            slot["concurrency"] = site.concurrency
        for url in site.urls:
            host = site_of(url)
            if slot and host:
                slots[host] = slots[f"www.{host}"] = slot
    return slots


def site_arguments(config: RunConfig) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The spider's `sites` and `site_options` for a sites file."""
    roots = [url for site in config.sites for url in site.urls]
    options = {url: {"since": site.since, "depth": site.depth, "profile": site.profile, "name": site.name}
               for site in config.sites for url in site.urls}
    return roots, options
