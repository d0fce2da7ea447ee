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
