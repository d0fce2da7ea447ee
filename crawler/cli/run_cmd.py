"""`newscrawl run SITES_FILE`: the scheduled run over every site of a sites file.

Incremental (articles written by earlier runs are not fetched again unless their
listing says they changed), crash-safe (partitioned parts, state marked after each
part is durable) and cron-friendly (a JSON run report; exit status 1 when a site
failed entirely or the run was cut short).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from crawler.extensions.summary import write_json_atomically
from crawler.sitesfile import RunConfig, SitesFileError, load_sites_file
from crawler.spiders.news import NewsSpider
from pipelines.normalization.urls import site_of
from pipelines.output import new_run_id

from .checks import parse_setting
from .errors import UsageError
from .scrapy_run import CrawlOutcome, crawl_settings, run_crawl


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("run", help="scheduled, incremental run over a sites file",
                                 description="Crawl every site of a sites file (TOML) incrementally.")
    parser.add_argument("sites_file", metavar="SITES_FILE")
    parser.add_argument("--report", help="also write the run report (JSON) here")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (repeatable)")
    parser.add_argument("--progress", type=float, metavar="SECONDS", help="progress line interval")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = load_sites_file(Path(args.sites_file))
    except SitesFileError as exc:
        raise UsageError(str(exc)) from None
    for directory in (config.output, config.state):
        _check_writable_dir(directory)
    run_id = new_run_id()
    report_path = config.state / "runs" / f"{run_id}.json"
    settings = run_settings(config, run_id, report_path, dict(parse_setting(s) for s in args.set), args)
    roots = [url for site in config.sites for url in site.urls]
    options = {url: {"since": site.since, "depth": site.depth, "profile": site.profile}
               for site in config.sites for url in site.urls}
    reason = run_crawl(NewsSpider, settings, CrawlOutcome(), sites=roots, site_options=options)
    report = finish_report(config, report_path, reason, run_id)
    if args.report:
        write_json_atomically(Path(args.report), report)
    failed = [name for name, entry in report["sites"].items() if entry["status"] == "failed"]
    if reason != "finished":
        print(f"newscrawl run: the run was cut short ({reason})", file=sys.stderr)
    if failed:
        print(f"newscrawl run: sites that failed entirely: {', '.join(failed)}", file=sys.stderr)
    print(f"newscrawl run: report {report_path}", file=sys.stderr)
    return 1 if failed or reason != "finished" else 0


def _check_writable_dir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"directory {str(directory)!r} is not writable ({exc.strerror or exc})") from None


def run_settings(config: RunConfig, run_id: str, report_path: Path, overrides: dict[str, str],
                 args: argparse.Namespace) -> Settings:
    settings = crawl_settings(None, {}, verbose=args.verbose)
    settings.set("FEEDS", {}, priority="cmdline")  # records go to the crash-safe parts only
    for name, value in config.settings.items():
        settings.set(name, value, priority="cmdline")
    chosen: dict[str, Any] = {
        "NEWSCRAWL_OUTPUT_DIR": str(config.output), "NEWSCRAWL_STATE_DIR": str(config.state),
        "NEWSCRAWL_RUN_ID": run_id, "NEWSCRAWL_STATS_FILE": str(report_path), "NEWSCRAWL_SUMMARY": True,
        "NEWSCRAWL_SINCE": config.since, "NEWSCRAWL_MAX_ARTICLES": config.max_articles,
        "NEWSCRAWL_MAX_PAGES": config.max_pages, "USER_AGENT": config.user_agent,
        "HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str((config.state / "httpcache").resolve()),
        "NEWSCRAWL_SITE_LIMITS": {site_of(url): {"max_pages": s.max_pages, "max_articles": s.max_articles}
                                  for s in config.sites for url in s.urls},
        "DOWNLOAD_SLOTS": _slots(config),
        "NEWSCRAWL_PROGRESS_INTERVAL": args.progress if args.progress is not None else
        (5.0 if sys.stderr.isatty() else 0.0),
    }
    if config.depth is not None:
        chosen["NEWSCRAWL_DEPTH"] = config.depth
    for name, value in chosen.items():
        if value is not None:
            settings.set(name, value, priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    report_path.parent.mkdir(parents=True, exist_ok=True)
    return settings


def _slots(config: RunConfig) -> dict[str, dict[str, float]]:
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


def finish_report(config: RunConfig, path: Path, reason: str, run_id: str) -> dict[str, Any]:
    """The summary the crawl wrote, turned into a per-site run report for cron."""
    summary = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"sites": {}}
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
    report = {"run_id": run_id, "sites_file": str(config.path), "output": str(config.output),
              **{k: v for k, v in summary.items() if k != "sites"}, "finish_reason": reason, "sites": sites}
    write_json_atomically(path, report)
    write_json_atomically(path.parent / "last-run.json", report)
    return report
