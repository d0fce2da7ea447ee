"""`newscrawl run SITES_FILE`: the scheduled run over every site of a sites file.

Incremental (articles written by earlier runs are not fetched again unless their
listing says they changed), crash-safe (partitioned parts, state marked after each
part is durable) and cron-friendly (a JSON run report; exit status 1 when a site
failed entirely or the run was cut short). The work is `scrapy crawl news` with
NEWSCRAWL_SITES_FILE set (crawler.addon.SitesFileAddon), so scrapyd runs the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crawler.extensions.summary import write_json_atomically
from crawler.sitesfile import SitesFileError, load_sites_file
from crawler.spiders.news import NewsSpider
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
    path = Path(args.sites_file).resolve()
    try:
        config = load_sites_file(path)  # validated here, before any work, for a one-line error
    except SitesFileError as exc:
        raise UsageError(str(exc)) from None
    for directory in (config.output, config.state):
        _check_writable_dir(directory)
    run_id = new_run_id()
    settings = crawl_settings(None, dict(parse_setting(s) for s in args.set), verbose=args.verbose)
    settings.set("FEEDS", {}, priority="cmdline")  # records go to the crash-safe parts only
    settings.set("NEWSCRAWL_SITES_FILE", str(path), priority="cmdline")
    settings.set("NEWSCRAWL_RUN_ID", run_id, priority="cmdline")
    settings.set("NEWSCRAWL_SUMMARY", True, priority="cmdline")
    interval = args.progress if args.progress is not None else (5.0 if sys.stderr.isatty() else 0.0)
    settings.set("NEWSCRAWL_PROGRESS_INTERVAL", interval, priority="cmdline")
    reason = run_crawl(NewsSpider, settings, CrawlOutcome())
    report_path = config.state / "runs" / f"{run_id}.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {"sites": {}}
    if args.report:
        write_json_atomically(Path(args.report), report)
    failed = [name for name, entry in report["sites"].items() if entry.get("status") == "failed"]
    if reason != "finished":
        print(f"newscrawl run: the run was cut short ({reason})", file=sys.stderr)
    if failed:
        print(f"newscrawl run: sites that failed entirely: {', '.join(failed)}", file=sys.stderr)
    print(f"newscrawl run: report {report_path}", file=sys.stderr)
    return 1 if failed or reason != "finished" or not report["sites"] else 0


def _check_writable_dir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"directory {str(directory)!r} is not writable ({exc.strerror or exc})") from None
