"""The extraction pool is as wide as the cores the process may use, not the machine."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipelines.workers import ExtractionWorkers, usable_cores

PROBE = ("from pipelines.workers import ExtractionWorkers, usable_cores; "
         "w = ExtractionWorkers(None, 'crawler.pageanalysis.analyze_page'); "
         "print(usable_cores(), w.workers); w.close()")


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux-only")
def test_pool_follows_cpu_affinity() -> None:
    one_core = min(os.sched_getaffinity(0))
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
                         preexec_fn=lambda: os.sched_setaffinity(0, {one_core})).stdout.split()
    assert out == ["1", "1"]
    assert usable_cores() == len(os.sched_getaffinity(0))


def test_explicit_worker_count_wins() -> None:
    workers = ExtractionWorkers(0, "crawler.pageanalysis.analyze_page")
    assert workers.workers == 0 and workers.executor is None


def test_start_soon_starts_the_workers_before_any_job_and_close_still_stops_them() -> None:
    # The crawl starts its pool while it reads robots.txt and sitemaps; a first job then finds it warm.
    probe = ("import time; from pipelines.workers import ExtractionWorkers\n"
             "w = ExtractionWorkers(2, 'crawler.pageanalysis.analyze_page'); w.start_soon()\n"
             "deadline = time.monotonic() + 60\n"
             "while time.monotonic() < deadline and len(getattr(w.executor, '_processes', None) or ()) < 2:\n"
             "    time.sleep(0.05)\n"
             "procs = list(w.executor._processes.values())\n"
             "print(len(procs), all(p.is_alive() for p in procs)); w.close()\n"
             "print(any(p.is_alive() for p in procs))\n"
             "quick = ExtractionWorkers(1, 'crawler.pageanalysis.analyze_page'); quick.start_soon(); quick.close()\n"
             "print('closed')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["2", "True", "False", "closed"], out.stderr[-2000:]
