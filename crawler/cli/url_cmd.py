"""`newscrawl url URL...`: fetch pages through Scrapy, write one JSON line per article."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.middlewares.secrets import redact

from .checks import check_output, check_url, one_line_errors, parse_setting
from .errors import UsageError
from .outputs import finish_output


def add_parser(commands: Any) -> None:
    parser = one_line_errors(commands.add_parser(
        "url", help="fetch and extract article URLs",
        description="Fetch article URLs (robots.txt obeyed) and extract them."))
    parser.add_argument("urls", nargs="+", metavar="URL")
    parser.add_argument("-o", "--output", help="write JSON lines to FILE (default: stdout)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The crawl is imported when the command runs (see crawler/cli/__init__.py).
    from crawler.spiders.news import NewsSpider

    from .scrapy_run import CrawlOutcome, crawl_settings, run_crawl

    out = check_output(args.output, "-o")
    overrides = dict(parse_setting(s) for s in args.set)
    good, bad = [], []
    for url in args.urls:
        try:
            good.append(check_url(url))
        except UsageError as exc:
            bad.append(str(exc))
    for message in bad:
        print(f"newscrawl url: {message}", file=sys.stderr)
    if not good:
        return 2
    settings = crawl_settings(out, overrides, verbose=args.verbose)
    outcome = CrawlOutcome()
    finish = run_crawl(NewsSpider, settings, outcome, urls=good)  # finish_output names the file
    note = finish_output(out, finish)
    if finish != "finished":
        print(f"newscrawl url: the run ended early ({finish}){note}", file=sys.stderr)
    failed = 0
    for url in dict.fromkeys(good):
        if url in outcome.written:
            continue
        failed += 1
        reason = outcome.failures.get(url, "no_result: nothing was extracted")
        print(redact(f"newscrawl url: FAILED {url}: {reason}"), file=sys.stderr)
    return 1 if failed or bad or finish != "finished" else 0
