"""newscrawl from Python: the extraction, the crawl and the schema check the commands use.

    from crawler.api import crawl, extract, validate

    record = extract(html, url="https://example.com/news/a.html")  # a page you already have
    for record in crawl(["https://example.com/"], max_articles=20):  # whole sites
        print(record["title"], record["published_at"])
    run = crawl(urls=["https://example.com/news/a.html"], on_record=print)  # these pages only
    print(run.failures, run.summary["articles"])
    assert validate(record) == []  # the record matches crawler/record.schema.json

Records are dicts with the fields of the record schema (README, "Record"). A crawl runs in
a child process, as `newscrawl crawl` would (Twisted's reactor runs once per process, so
crawling in this one would allow a single crawl per program); records arrive as the
child writes them, and the child stops when the iterator is closed or collected.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from pipelines.errors import PageRejected

Record = dict[str, Any]
__all__ = ["Crawl", "PageRejected", "Record", "crawl", "extract", "validate"]


def extract(html: str | bytes, url: str, *, fetched_at: str | datetime | None = None,
            content_type: str | None = None, profile: str | None = None) -> Record:
    """One page (its HTML as text, or as the bytes a server sent) -> its record.

    `url` is the address the page was fetched from (`fetched_url`; the record's `url` is the
    page's `<link rel=canonical>` when it has one); `fetched_at` defaults to now;
    `content_type` (the HTTP header) helps decode bytes; `profile` names a site profile
    (crawler/profiles). Raises PageRejected, whose `reason` is the code the crawl counts
    (`not_article`, `empty`, `not_html`, `blocked`, ...), and ValueError for a bad URL.
    """
    from crawler.items import RawPage
    from crawler.pageanalysis import PageJob, analyze_page

    _checked_url(url)
    when = fetched_at or datetime.now(timezone.utc)
    raw = RawPage(url=url, html=html if isinstance(html, str) else "",
                  fetched_at=when.isoformat(timespec="seconds") if isinstance(when, datetime) else when,
                  content_type=content_type, profile=profile)
    result = analyze_page(PageJob(raw, body=html if isinstance(html, bytes) else b""))
    if result.record is None:
        reason, detail = result.rejected or ("not_article", "no article found")
        raise PageRejected(reason, detail)
    return result.record.to_dict()


def validate(record: Mapping[str, Any]) -> list[str]:
    """The record's schema violations, as `field: message` lines; [] when it is valid."""
    from pipelines.validate import schema_errors

    return schema_errors(dict(record))


class Crawl(Iterator[Record]):
    """The records of a crawl as it runs. After the last one: `failures` (URL -> "reason:
    detail" for each URL given in `urls` that gave no record), `summary` (the run summary:
    README, "Counters") and `finish_reason` ("finished", or why it stopped early)."""

    def __init__(self, job: dict[str, Any]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="newscrawl-api-")
        folder = Path(self._dir.name)
        job = {**job, "stats": str(folder / "stats.json"), "failures": str(folder / "failures.json")}
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        self._stderr: IO[bytes] = (folder / "stderr.log").open("w+b")
        # Records reach us as they are written; the child imports this very copy of newscrawl.
        home = str(Path(__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (home, os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
        self._child = subprocess.Popen([sys.executable, "-m", "crawler.api", str(folder / "job.json")],
                                       stdout=subprocess.PIPE, stderr=self._stderr, env=env)
        self.failures: dict[str, str] = {}
        self.summary: dict[str, Any] = {}
        self.finish_reason: str | None = None

    def __next__(self) -> Record:
        stdout = self._child.stdout
        line = stdout.readline() if stdout is not None else b""
        if line:
            return dict(json.loads(line))
        self._finish()
        raise StopIteration

    def _finish(self) -> None:
        if self.finish_reason is not None:
            return
        code = self._child.wait()
        folder = Path(self._dir.name)
        self._stderr.seek(0)
        log = self._stderr.read().decode("utf-8", "replace")
        outcome_file, stats = folder / "failures.json", folder / "stats.json"
        outcome = json.loads(outcome_file.read_text(encoding="utf-8")) if outcome_file.exists() else None
        self.summary = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}
        self.close()
        if code != 0 or outcome is None:
            raise RuntimeError(f"the crawl process failed (exit status {code}): {log[-2000:]}")
        self.failures, self.finish_reason = outcome["failures"], outcome["finish_reason"]

    def close(self) -> None:
        """Stop the crawl if it still runs (a loop left early) and free what it holds."""
        if self._child.poll() is None:
            self._child.terminate()
            try:
                self._child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()
        if self._child.stdout is not None:
            self._child.stdout.close()
        self._stderr.close()
        self._dir.cleanup()

    def __enter__(self) -> Crawl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_child", None) is not None and self._child.poll() is None:
            self.close()


def crawl(sites: Iterable[str] = (), *, urls: Iterable[str] = (), since: str | None = None,
          max_articles: int | None = None, max_pages: int | None = None, depth: int | None = None,
          settings: Mapping[str, Any] | None = None,
          on_record: Callable[[Record], None] | None = None) -> Crawl:
    """Crawl whole `sites` (home page URLs: sitemaps, feeds, links, as `newscrawl crawl`) and/or
    fetch the article `urls` (as `newscrawl url`). The arguments are those of the commands;
    `settings` are Scrapy settings (`{"DOWNLOAD_DELAY": 0}`), checked as `-s` checks them.
    Bad arguments raise ValueError before anything starts.

    Returns an iterator of records; with `on_record`, calls it for each record and returns
    the finished crawl (its `failures` and `summary` filled in).
    """
    from crawler.cli.checks import check_setting, default_settings
    from crawler.cli.errors import UsageError
    from crawler.settingranges import value_problem
    from pipelines.limits import parse_since

    job: dict[str, Any] = {"sites": [_checked_url(u) for u in _listed(sites)],
                           "urls": [_checked_url(u) for u in _listed(urls)], "settings": {}}
    if not job["sites"] and not job["urls"]:
        raise ValueError("nothing to crawl: give sites and/or urls")
    known = default_settings()
    chosen = {"NEWSCRAWL_SINCE": since, "NEWSCRAWL_MAX_ARTICLES": max_articles,
              "NEWSCRAWL_MAX_PAGES": max_pages, "NEWSCRAWL_DEPTH": depth}
    arguments = {"NEWSCRAWL_MAX_ARTICLES": "max_articles", "NEWSCRAWL_MAX_PAGES": "max_pages",
                 "NEWSCRAWL_DEPTH": "depth"}
    overrides = dict(settings or {})
    for name, value in {**{k: v for k, v in chosen.items() if v is not None}, **overrides}.items():
        if name in arguments and name not in overrides and isinstance(value, int | float):
            problem = value_problem(name, value)  # named as the caller wrote it, not as the setting
            if problem:
                raise ValueError(f"{arguments[name]} {problem}, got {value!r}")
        try:
            check_setting(name, value, "settings", known)
            if name == "NEWSCRAWL_SINCE":
                parse_since(value)
        except (UsageError, ValueError) as exc:
            raise ValueError(str(exc)) from None
        job["settings"][name] = value
    run = Crawl(job)
    if on_record is not None:
        for record in run:
            on_record(record)
    return run


def _listed(values: Iterable[str]) -> list[str]:
    return [values] if isinstance(values, str) else list(values)


def _checked_url(url: str) -> str:
    from crawler.cli.checks import check_url
    from crawler.cli.errors import UsageError

    try:
        return check_url(url)
    except UsageError as exc:
        raise ValueError(str(exc)) from None


def _run_job(job_path: str) -> int:
    """The child process: the crawl with its feed on stdout, then what failed."""
    from crawler.cli.scrapy_run import CrawlOutcome, crawl_settings, run_crawl
    from crawler.spiders.news import NewsSpider

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    settings = crawl_settings(None, {}, verbose=False)
    for name, value in {**job["settings"], "NEWSCRAWL_STATS_FILE": job["stats"]}.items():
        settings.set(name, value, priority="cmdline")
    outcome = CrawlOutcome()
    reason = run_crawl(NewsSpider, settings, outcome, urls=job["urls"], sites=job["sites"])
    failed = {url: outcome.failures.get(url, "no_result: nothing was extracted")
              for url in job["urls"] if url not in outcome.written}
    outcome_json = json.dumps({"failures": failed, "finish_reason": reason})
    Path(job["failures"]).write_text(outcome_json, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_run_job(sys.argv[1]))
