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
import tempfile
from pathlib import Path
from typing import Any

from crawler.middlewares.secrets import redact
from crawler.sitesfile import RunConfig, SitesFileError, load_sites_file

from .checks import check_output, check_setting, default_settings, one_line_errors, parse_setting, seconds
from .errors import UsageError


def add_parser(commands: Any) -> None:
    parser = one_line_errors(commands.add_parser(
        "run", help="scheduled, incremental run over a sites file",
        description="Crawl every site of a sites file (TOML) incrementally."))
    parser.add_argument("sites_file", metavar="SITES_FILE")
    parser.add_argument("--report", help="also write the run report (JSON) here")
    parser.add_argument("--redis", metavar="URL", help="distributed mode: share the frontier in this Redis "
                        "(redis://host:6379/0); start more workers with `newscrawl worker`")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (repeatable)")
    parser.add_argument("--progress", type=seconds, metavar="SECONDS", help="progress line interval")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The crawl is imported when the command runs (see crawler/cli/__init__.py).
    from crawler.extensions.stateguard import StateLocked, acquire
    from pipelines.output import new_run_id

    path = Path(args.sites_file).resolve()
    try:
        config = load_sites_file(path)  # validated here, before any work, for a one-line error
    except SitesFileError as exc:
        raise UsageError(str(exc)) from None
    known = default_settings()
    for name, value in config.settings.items():  # Scrapy would fail on them later, with a traceback
        check_setting(name, value, f"{path}: run.settings", known)
    overrides = dict(parse_setting(s) for s in args.set)
    check_output(args.report, "--report")
    for directory in (config.output, config.state):
        _check_writable_dir(directory)
    for directory in (config.output, config.state):
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = exc.strerror or exc
            raise UsageError(f"directory {str(directory)!r} cannot be created ({why})") from None
    if config.defaulted:
        where = {"output": f"records in {config.output}", "state": f"state in {config.state}"}
        print(f"newscrawl run: {path.name} has no {' or '.join(config.defaulted)} in [run]: "
              f"{', '.join(where[k] for k in config.defaulted)}", file=sys.stderr)
    run_id = new_run_id()
    try:
        lock = acquire(config.state, run_id)  # held until this process ends; the crawl sees it is ours
    except StateLocked as exc:
        raise UsageError(str(exc)) from None
    try:
        return crawl_and_report(args, path, config, overrides, run_id)
    finally:
        lock.close()


def crawl_and_report(args: argparse.Namespace, path: Path, config: RunConfig, overrides: dict[str, str],
                     run_id: str) -> int:
    from crawler.addon import apply_sites_file  # these import Scrapy: see run()
    from crawler.extensions.summary import write_json_atomically
    from crawler.spiders.news import NewsSpider

    from .scrapy_run import CrawlOutcome, crawl_settings, run_crawl

    settings = crawl_settings(None, overrides, verbose=args.verbose)
    settings.set("FEEDS", {}, priority="cmdline")  # records go to the crash-safe parts only
    settings.set("NEWSCRAWL_SITES_FILE", str(path), priority="cmdline")
    settings.set("NEWSCRAWL_RUN_ID", run_id, priority="cmdline")
    settings.set("NEWSCRAWL_SUMMARY", True, priority="cmdline")
    apply_sites_file(config, settings)  # read once, here: the add-on sees it done
    interval = args.progress if args.progress is not None else (5.0 if sys.stderr.isatty() else 0.0)
    settings.set("NEWSCRAWL_PROGRESS_INTERVAL", interval, priority="cmdline")
    if args.redis:
        start_distributed_run(settings, args.redis, path, run_id)
    reason = run_crawl(NewsSpider, settings, CrawlOutcome())
    report_path = config.state / "runs" / f"{run_id}.json"
    if args.redis and reason != "redis_unavailable":  # else this process's own report is all there is
        merge_distributed_report(settings, path, run_id, report_path)
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {"sites": {}}
    if args.report:
        write_json_atomically(Path(args.report), report)
    failed = [name for name, entry in report["sites"].items() if entry.get("status") == "failed"]
    reason = report.get("finish_reason", reason) if reason == "finished" else reason
    for name, why in report.get("state_rebuilt", {}).items():
        print(f"newscrawl run: {name} was damaged ({why}): set aside and rebuilt from the output parts",
              file=sys.stderr)
    if report.get("damaged_parts"):
        print(f"newscrawl run: {report['damaged_parts']} damaged output parts were set aside; their "
              f"{report.get('forgotten_records', 0)} records are fetched again", file=sys.stderr)
    if report.get("redis_error"):
        print(f"newscrawl run: {report['redis_error']}", file=sys.stderr)
    if report.get("output_error"):
        print(f"newscrawl run: {report['output_error']}", file=sys.stderr)
    if reason != "finished":
        print(f"newscrawl run: the run was cut short ({reason})", file=sys.stderr)
    if failed:
        print(f"newscrawl run: sites that failed entirely: {', '.join(failed)}", file=sys.stderr)
    if any("private_address" in report["sites"][name].get("failed", {}) for name in failed):
        print(f"newscrawl run: private_address: the site's host is or resolves to a private or loopback "
              f"address; to crawl it, set allow_private = true in the [run] table of {path}", file=sys.stderr)
    new = sum(entry.get("new", 0) for entry in report["sites"].values())
    print(f"newscrawl run: {new} new records under {config.output}; report {report_path}", file=sys.stderr)
    return 1 if failed or reason != "finished" or not report["sites"] else 0


def _check_writable_dir(directory: Path) -> None:
    """The directory, or the nearest existing one it would be created in, accepts new files.
    Nothing is created here: a second bad directory must not leave the first one behind."""
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, f"{str(existing)!r} is a file")
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".newscrawl-probe-"):
            pass
    except OSError as exc:
        raise UsageError(f"directory {str(directory)!r} is not writable ({exc.strerror or exc})") from None


def start_distributed_run(settings: Any, redis_url: str, sites_file: Path, run_id: str) -> None:
    """Publish the run id that `newscrawl worker` processes join, and the run's marker (a worker
    that finds it gone knows Redis lost the run)."""
    from datetime import datetime, timezone

    from redis.exceptions import RedisError

    from crawler.distributed.connection import checked_client
    from crawler.distributed.keys import RunKeys, current_run_key

    settings.set("REDIS_URL", redis_url, priority="cmdline")
    crawl = settings.get("NEWSCRAWL_REDIS_CRAWL") or sites_file.stem
    try:
        client = checked_client(redis_url)
        client.set(RunKeys(crawl, run_id).marker, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   ex=settings.getint("NEWSCRAWL_REDIS_TTL"))
        client.set(current_run_key(crawl), run_id)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except RedisError as exc:
        raise UsageError(f"cannot use Redis at {redact(redis_url)}: {redact(str(exc))}") from None


def merge_distributed_report(settings: Any, sites_file: Path, run_id: str, report_path: Path) -> None:
    """Wait for the other workers to stop, then one report for the whole run."""
    from redis.exceptions import RedisError

    from crawler.distributed import connection
    from crawler.distributed.keys import RunKeys
    from crawler.distributed.reports import merged, wait_for_workers
    from crawler.extensions.summary import run_report, write_json_atomically

    server = connection.from_settings(settings)
    keys = RunKeys(settings.get("NEWSCRAWL_REDIS_CRAWL") or sites_file.stem, run_id)
    try:
        alive = wait_for_workers(server, keys, timeout=settings.getfloat("NEWSCRAWL_REDIS_IDLE_CLOSE", 10.0) + 60)
        summary = merged(server, keys)
    except RedisError as exc:
        print(f"newscrawl run: the other workers' reports are not available ({exc}); this one is partial",
              file=sys.stderr)
        return
    if alive:
        print(f"newscrawl run: workers still running, report is partial: {', '.join(alive)}", file=sys.stderr)
    if not summary["sites"]:
        return  # Redis lost the reports too: keep this process's own
    write_json_atomically(report_path, run_report(summary, settings))
