"""The extraction stage on all cores: a process pool the crawl feeds with fetched pages.

Extraction costs 15-40 ms of CPU per page; inside Scrapy's event loop it would block
downloads and use one core. Workers get the raw response (bytes, headers, flags)
and return everything the crawl needs from the page: the record or the reason there
is none, and the links to follow. The main process only downloads and schedules.
Backpressure comes from Scrapy itself: callbacks waiting here hold their responses,
and the engine stops downloading past SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes of them.

Settings read: NEWSCRAWL_WORKERS (default: CPU count; 0 = extract in the event loop).
Workers are not recycled: ProcessPoolExecutor's max_tasks_per_child deadlocks the pool on
Python 3.11 once a worker retires (measured here: a crawl stalled at 3,992 pages); worker
memory stays flat without it (bench/crawl_bench.py --memory).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, TypeVar

from pipelines.contracts.items import ArticleRecord, RawPage

from .errors import PageRejected

T = TypeVar("T")


@dataclass
class PageJob:
    raw: RawPage
    body: bytes = b""  # decoded in the worker when raw.html is empty
    follow: bool = False  # read links, pagination and (homepage) feed links
    homepage: bool = False
    expect_article: bool = True  # listed in a sitemap/feed or asked for; else decided by the page


@dataclass
class PageResult:
    record: ArticleRecord | None = None
    rejected: tuple[str, str] | None = None  # (reason, detail) when the page is not a record
    is_article: bool = False
    links: list[str] = field(default_factory=list)
    following: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)


def analyze(job: PageJob) -> PageResult:
    """Everything the crawl needs from one page. Never raises: a failure is a rejection."""
    from crawler.discovery.feeds import feed_links
    from crawler.discovery.links import page_links
    from crawler.spiders.pagesignals import looks_like_article

    from .extraction.document import decode_html, parse_html
    from .process import process_page

    raw = job.raw
    result = PageResult(is_article=job.expect_article)  # a listed page that fails to parse is still counted
    try:
        if not raw.html:
            raw.html = decode_html(job.body, raw.content_type)
        tree = parse_html(raw.html)
        if job.follow:
            result.links, result.following = page_links(tree, raw.url)
            if job.homepage:
                result.feeds = feed_links(tree, raw.url)
        result.is_article = job.expect_article or looks_like_article(tree, raw.url)
        if result.is_article:
            result.record = process_page(raw, tree)
            result.record.lastmod = raw.hints.get("lastmod")  # provenance for change detection
    except PageRejected as exc:
        result.rejected = (exc.reason, exc.detail)
    except Exception as exc:  # noqa: BLE001  one page's bug must not stop the crawl
        result.rejected = ("internal", f"{type(exc).__name__}: {exc}"[:300])
    return result


def _worker_start() -> None:
    # The fork server already imported and warmed the extraction stack (pipelines/warm.py);
    # a worker only needs to die with its parent.
    from .workerguard import watch_parent

    watch_parent()


class ExtractionWorkers:
    """A process pool (or, with 0 workers, the calling thread) running `analyze`."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else max(0, workers)
        self.executor: Executor | None = None
        if self.workers:
            context = multiprocessing.get_context("forkserver")
            # The fork server imports these once; workers fork from it already warm.
            context.set_forkserver_preload(["pipelines.forkserver_guard", "pipelines.warm"])
            self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_worker_start)

    @classmethod
    def from_settings(cls, settings: Any) -> ExtractionWorkers:
        value = settings.get("NEWSCRAWL_WORKERS")
        workers = None if value in (None, "") else int(value)
        return cls(workers)

    async def analyze(self, job: PageJob) -> PageResult:
        if self.executor is None:
            return analyze(job)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, analyze, job)

    def imap(self, jobs: Iterable[T]) -> Iterator[tuple[T, PageResult]]:
        """(job, result) in input order, at most 16 pages per worker in flight (bounded memory).

        A job may be a PageJob or anything else (an error to pass through in order)."""
        if self.executor is None:
            for job in jobs:
                yield job, analyze(job) if isinstance(job, PageJob) else PageResult()
            return
        window: deque[tuple[T, Future[PageResult] | None]] = deque()
        for job in jobs:
            window.append((job, self.executor.submit(analyze, job) if isinstance(job, PageJob) else None))
            if len(window) >= 16 * self.workers:  # room to work around one slow page
                yield self._done(window.popleft())
        while window:
            yield self._done(window.popleft())

    @staticmethod
    def _done(entry: tuple[T, Future[PageResult] | None]) -> tuple[T, PageResult]:
        job, future = entry
        return job, future.result() if future is not None else PageResult()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
