"""`newscrawl worker SITES_FILE --redis URL`: one more worker for a distributed run.

It joins the run `newscrawl run SITES_FILE --redis URL` started (or --run ID), takes
requests from the shared queue, writes its own crash-safe parts, and stops once
nothing is queued or leased anywhere for NEWSCRAWL_REDIS_IDLE_CLOSE seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from crawler.sitesfile import SitesFileError, load_sites_file

from .checks import parse_setting, seconds
from .errors import UsageError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("worker", help="join a distributed run (Redis)",
                                 description="Work on a distributed run started by `newscrawl run --redis`.")
    parser.add_argument("sites_file", metavar="SITES_FILE")
    parser.add_argument("--redis", metavar="URL", required=True, help="the run's Redis, redis://host:6379/0")
    parser.add_argument("--run", dest="run_id", metavar="ID", help="the run to join (default: the latest one started)")
    parser.add_argument("--wait", type=seconds, default=0.0, metavar="SECONDS",
                        help="wait up to SECONDS for a run to be started (workers started together with "
                             "`newscrawl run`); default: fail at once when there is none")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The crawl and Redis are imported when the command runs (see crawler/cli/__init__.py).
    from redis.exceptions import RedisError

    from crawler.addon import apply_sites_file
    from crawler.distributed.connection import checked_client
    from crawler.distributed.keys import current_run_key
    from crawler.middlewares.secrets import redact
    from crawler.spiders.news import NewsSpider

    from .scrapy_run import CrawlOutcome, crawl_settings, run_crawl

    path = Path(args.sites_file).resolve()
    try:
        config = load_sites_file(path)
    except SitesFileError as exc:
        raise UsageError(str(exc)) from None
    settings = crawl_settings(None, dict(parse_setting(s) for s in args.set), verbose=args.verbose)
    crawl = settings.get("NEWSCRAWL_REDIS_CRAWL") or path.stem
    deadline = time.monotonic() + args.wait
    try:
        client = checked_client(args.redis)
        run_id = args.run_id or (live_run(client, crawl) if args.wait > 0 else client.get(current_run_key(crawl)))
        while not run_id and time.monotonic() < deadline:
            time.sleep(0.05)
            run_id = live_run(client, crawl)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except RedisError as exc:
        raise UsageError(f"cannot use Redis at {redact(args.redis)}: {redact(str(exc))}") from None
    if not run_id:
        waited = f" with a live worker after waiting {args.wait:g} s" if args.wait > 0 else ""
        raise UsageError(f"no run of {crawl!r} in {redact(args.redis)}{waited}: "
                         f"start one with `newscrawl run {args.sites_file} --redis ...`")
    run_id = run_id.decode() if isinstance(run_id, bytes) else str(run_id)
    for name, value in {"FEEDS": {}, "NEWSCRAWL_SITES_FILE": str(path), "NEWSCRAWL_RUN_ID": run_id,
                        "REDIS_URL": args.redis, "NEWSCRAWL_SEED": False, "NEWSCRAWL_SUMMARY": True}.items():
        settings.set(name, value, priority="cmdline")
    apply_sites_file(config, settings)  # read once, here: the add-on sees it done
    reason = run_crawl(NewsSpider, settings, CrawlOutcome())
    if reason != "finished":
        print(f"newscrawl worker: stopped early ({reason})", file=sys.stderr)
        return 1
    return 0


def live_run(client: Any, crawl: str) -> bytes | None:
    """The latest run of the crawl if a worker of it is alive (its coordinator has started
    working): a worker waiting for a run must not join yesterday's finished one."""
    from crawler.distributed.keys import RunKeys, current_run_key
    from crawler.distributed.reports import live_workers

    run_id = client.get(current_run_key(crawl))
    if not run_id:
        return None
    return run_id if live_workers(client, RunKeys(crawl, run_id.decode())) else None
