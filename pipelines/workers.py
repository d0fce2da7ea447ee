"""The extraction pool: a process pool the crawl feeds with fetched pages.

Extraction costs 15-40 ms of CPU per page; inside Scrapy's event loop it would block
downloads and use one core. The pool is plumbing: it runs one page function (a module-level
function, named by NEWSCRAWL_PAGE_FUNCTION for the crawl: crawler.pageanalysis.analyze_page)
over jobs in worker processes and hands the results back. The main process only downloads
and schedules. Backpressure comes from Scrapy itself: callbacks waiting here hold their
responses, and the engine stops downloading past SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes of them.

The function may be given by name ("module.function"): then the process feeding the pool never
imports it. The crawl does so: the extraction stack (trafilatura, readability, the language
model, the schema; ~65 MiB) lives in the fork server and its workers, not in the crawler.

Settings read: NEWSCRAWL_WORKERS (default: the cores this process may use, see usable_cores;
0 = run the function in the event loop), NEWSCRAWL_PAGE_FUNCTION.
Workers are not recycled: ProcessPoolExecutor's max_tasks_per_child deadlocks the pool on
Python 3.11 once a worker retires (measured here: a crawl stalled at 3,992 pages); worker
memory stays flat without it (bench/crawl_bench.py --memory).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

J = TypeVar("J")  # a job
R = TypeVar("R")  # its result
T = TypeVar("T")  # what a caller tags a job with


def _worker_start() -> None:
    # The fork server already imported and warmed the extraction stack (pipelines/warm.py);
    # a worker only needs to die with its parent.
    from .workerguard import watch_parent

    watch_parent()


def usable_cores() -> int:
    """Cores this process may run on: its CPU affinity (`taskset`, cpusets), capped by a cgroup
    CPU quota (containers). Not os.cpu_count(): two processes pinned to one core each must not
    start a pool as wide as the machine (on 2 cores that oversubscribed them 4 to 2)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:  # cgroup v2: "max 100000" or "150000 100000" (1.5 CPUs)
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as handle:
            quota, period = handle.read().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


class FunctionByName:
    """A module-level function named by its import path: it pickles as the name, and is
    imported where it is called (once per process)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.module = path.rsplit(".", 1)[0]

    def __call__(self, job: Any) -> Any:
        return _loaded(self.path)(job)


@functools.cache
def _loaded(path: str) -> Callable[[Any], Any]:
    # Not scrapy.utils.misc.load_object: every worker unpickles this module, and importing
    # anything from scrapy loads all of it (~22 MiB a worker) for nothing.
    module, _, name = path.rpartition(".")
    if not module:
        raise ValueError(f"not a full path to a function: {path!r}")
    function: Callable[[Any], Any] = getattr(importlib.import_module(module), name)
    return function


class ExtractionWorkers(Generic[J, R]):
    """A process pool (or, with 0 workers, the calling thread) running `function`."""

    def __init__(self, workers: int | None, function: Callable[[J], R] | str) -> None:
        self.function: Callable[[J], R] = FunctionByName(function) if isinstance(function, str) else function
        self.workers = usable_cores() if workers is None else max(0, workers)
        self.executor: Executor | None = None
        if self.workers:
            context = multiprocessing.get_context("forkserver")
            # The fork server imports these once; workers fork from it already warm.
            module = self.function.module if isinstance(self.function, FunctionByName) else self.function.__module__
            context.set_forkserver_preload(["pipelines.forkserver_guard", "pipelines.warm", module])
            self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_worker_start)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ExtractionWorkers[Any, Any]:
        value = settings.get("NEWSCRAWL_WORKERS")
        workers = None if value in (None, "") else int(value)
        return cls(workers, settings.get("NEWSCRAWL_PAGE_FUNCTION"))

    def start_soon(self) -> None:
        """Start the worker processes now, in a thread, instead of at the first job: the fork
        server's imports and warm-up (~1 s) then overlap the crawl's robots.txt and sitemaps.
        The first job would start them in the caller's thread: the crawl's event loop."""
        if self.executor is not None:
            threading.Thread(target=self._start_processes, args=(self.executor,), name="pool-start",
                             daemon=True).start()

    def _start_processes(self, executor: Executor) -> None:
        # The pool starts a process per job submitted while none is idle: one short wait per worker.
        with contextlib.suppress(RuntimeError, CancelledError):  # closed, or broken: the jobs will say so
            for future in [executor.submit(time.sleep, 0.05) for _ in range(self.workers)]:
                future.result()

    async def run(self, job: J) -> R:
        if self.executor is None:
            return self.function(job)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.function, job)

    def imap(self, entries: Iterable[tuple[T, J | None]]) -> Iterator[tuple[T, R | None]]:
        """(tag, result) for each (tag, job), in input order, at most 16 jobs per worker in flight
        (bounded memory). A None job (say an input already known bad, kept for its place in the
        order) gives a None result."""
        if self.executor is None:
            for tag, job in entries:
                yield tag, self.function(job) if job is not None else None
            return
        window: deque[tuple[T, Future[R] | None]] = deque()
        for tag, job in entries:
            window.append((tag, self.executor.submit(self.function, job) if job is not None else None))
            if len(window) >= 16 * self.workers:  # room to work around one slow page
                yield self._done(window.popleft())
        while window:
            yield self._done(window.popleft())

    @staticmethod
    def _done(entry: tuple[T, Future[R] | None]) -> tuple[T, R | None]:
        tag, future = entry
        return tag, future.result() if future is not None else None

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
