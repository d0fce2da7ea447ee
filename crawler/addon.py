"""Scrapy add-on: a sites file turns a crawl into a scheduled run.

    scrapy crawl news -s NEWSCRAWL_SITES_FILE=sites.toml       # what `newscrawl run` does
    curl http://127.0.0.1:6800/schedule.json -d project=newscrawl -d spider=news \\
         -d setting=NEWSCRAWL_SITES_FILE=/srv/newscrawl/sites.toml   # the same through scrapyd

It sets, at spider priority (above crawler/settings.py, below `-s`): the sites and their options
(NEWSCRAWL_SITES, which the spider reads), the output and state directories, the revalidating HTTP
cache, per-site limits and download slots, the run id, the report path, the extraction workers,
and NEWSCRAWL_REFUSE_PRIVATE (on unless `allow_private = true`): crawler/options.py lists which key
and which command-line flag give which setting. Distributed mode is its own add-on
(crawler/distributed/addon.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

from crawler.sitesfile import RunConfig, SiteConfig, load_sites_file
from crawler.urls import site_of
from pipelines.output import new_run_id


class SitesFileAddon:
    """Reads NEWSCRAWL_SITES_FILE once and sets what it says; nothing else reads the file.

    `newscrawl run` and `newscrawl worker` read it themselves first (for one-line errors before
    any work) and apply the same settings: NEWSCRAWL_SITES already set means done.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        path = settings.get("NEWSCRAWL_SITES_FILE")
        if not path or settings.get("NEWSCRAWL_SITES"):
            return
        apply_sites_file(load_sites_file(Path(path)), settings)


def apply_sites_file(config: RunConfig, settings: BaseSettings) -> None:
    """Set a sites file's settings at spider priority: above crawler/settings.py, below `-s`."""
    for name, value in sites_file_settings(config, settings.get("NEWSCRAWL_RUN_ID") or new_run_id()).items():
        settings.set(name, value, priority="spider")


def sites_file_settings(config: RunConfig, run_id: str) -> dict[str, Any]:
    """Every setting a sites file stands for (crawler/options.py lists which key gives which)."""
    chosen: dict[str, Any] = {
        "NEWSCRAWL_SITES_FILE": str(config.path),
        "NEWSCRAWL_SITES": [site_entry(site) for site in config.sites],
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
        "NEWSCRAWL_WORKERS": config.workers,  # extraction processes; 0 = in the crawl process
    }
    return {name: value for name, value in {**config.settings, **chosen}.items() if value is not None}


def site_entry(site: SiteConfig) -> dict[str, Any]:
    """One [[site]] as the spider and the run report read it (plain data: settings travel as JSON)."""
    return {"urls": list(site.urls), "name": site.name, "profile": site.profile, "since": site.since,
            "depth": site.depth}


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


def site_arguments(sites: list[dict[str, Any]]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The spider's `sites` and `site_options` from NEWSCRAWL_SITES."""
    roots = [url for site in sites for url in site["urls"]]
    keys = ("since", "depth", "profile", "name")
    options = {url: {k: site.get(k) for k in keys} for site in sites for url in site["urls"]}
    return roots, options
