"""`newscrawl crawl SITE_URL...`: find and extract every article of news sites."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipelines.limits import parse_since

from .checks import (
    check_distinct,
    check_output,
    check_url,
    non_negative,
    one_line_errors,
    parse_setting,
    seconds,
)
from .errors import UsageError
from .outputs import finish_output


def add_parser(commands: Any) -> None:
    parser = one_line_errors(commands.add_parser(
        "crawl", help="crawl whole news sites",
        description="Discover articles through robots.txt, sitemaps, feeds and links; extract them."))
    parser.add_argument("sites", nargs="+", metavar="SITE_URL")
    parser.add_argument("--since", help="skip articles older than this: 2d, 12h, 1w or 2024-01-01")
    parser.add_argument("--max-articles", type=non_negative, help="at most N articles per site")
    parser.add_argument("--max-pages", type=non_negative, help="at most N requests per site")
    parser.add_argument("--depth", type=non_negative, help="link depth from the homepage (default 3)")
    parser.add_argument("-o", "--output", help="write JSON lines to PATH (default: stdout)")
    parser.add_argument("--stats", help="write the run summary as JSON here (default: OUTPUT.stats.json)")
    parser.add_argument("--warc", metavar="DIR", help="store every fetched response as WARC files in DIR")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (repeatable)")
    parser.add_argument("--progress", type=seconds, metavar="SECONDS",
                        help="progress line interval (default: 5 on a terminal, off otherwise)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The crawl is imported when the command runs (see crawler/cli/__init__.py).
    from crawler.spiders.news import NewsSpider

    from .scrapy_run import CrawlOutcome, crawl_settings, run_crawl

    sites = [check_url(url) for url in args.sites]
    try:
        since = parse_since(args.since)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if since is not None and since > datetime.now(timezone.utc):
        raise UsageError(f"--since {args.since} is in the future: nothing could be crawled")
    out = check_output(args.output, "-o")
    stats_path = Path(args.stats) if args.stats else (out.with_name(out.name + ".stats.json") if out else None)
    if stats_path is not None:
        check_output(str(stats_path), "--stats")
    check_distinct(output=out, stats=stats_path)
    if args.warc and Path(args.warc).exists() and not Path(args.warc).is_dir():
        raise UsageError(f"--warc {args.warc!r} is not a directory")
    overrides = dict(parse_setting(s) for s in args.set)
    settings = crawl_settings(out, overrides, verbose=args.verbose)
    chosen = {"NEWSCRAWL_SINCE": args.since, "NEWSCRAWL_MAX_ARTICLES": args.max_articles,
              "NEWSCRAWL_MAX_PAGES": args.max_pages, "NEWSCRAWL_DEPTH": args.depth,
              "NEWSCRAWL_WARC_DIR": str(Path(args.warc).resolve()) if args.warc else None,
              "NEWSCRAWL_STATS_FILE": str(stats_path) if stats_path else None}
    for name, value in chosen.items():
        if value is not None:
            settings.set(name, value, priority="cmdline")
    settings.set("NEWSCRAWL_SUMMARY", True, priority="cmdline")
    interval = args.progress if args.progress is not None else (5.0 if sys.stderr.isatty() else 0.0)
    settings.set("NEWSCRAWL_PROGRESS_INTERVAL", interval, priority="cmdline")
    with tempfile.TemporaryDirectory(prefix="newscrawl-") as scratch:
        # Records on stdout have no stats file beside them: one is kept here to judge the exit status.
        summary_path = stats_path or Path(scratch) / "stats.json"
        settings.set("NEWSCRAWL_STATS_FILE", str(summary_path), priority="cmdline")
        reason = run_crawl(NewsSpider, settings, CrawlOutcome(), sites=sites)  # finish_output names the file
        report = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else None
    note = finish_output(out, reason)
    if reason != "finished":
        print(f"newscrawl crawl: the crawl ended early ({reason}){note}", file=sys.stderr)
        return 1
    if report is not None:
        empty = [s for s, entry in report["sites"].items() if not entry.get("articles")]
        if empty:
            print(f"newscrawl crawl: no articles from {', '.join(empty)}", file=sys.stderr)
            return 1
    return 0
