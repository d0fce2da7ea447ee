"""`newscrawl extract -j N` over the AEB pages against the extraction ceiling, side by side.

    python bench/extract_bench.py [--jobs 2] [--reps 3]

ceiling: the least a program can do for the same result: a bare multiprocessing.Pool(N)
         (fork) mapping pipelines.process.process_page over the files, end to end (start-up
         included, output discarded), like the research's extract_ceiling.py;
warm:    the same workers as the CLI (pipelines.workers.ExtractionWorkers), already started
         and warm, from memory: the pure extraction rate, no start-up at all;
CLI:     `newscrawl extract -j N FILES...` end to end (start-up, reading, writing included);
one core: process_page in this process, pages per CPU second.
Medians of --reps runs; prints the ratio CLI / ceiling.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import contextlib  # noqa: E402

from crawler.items import RawPage  # noqa: E402
from crawler.pageanalysis import PageJob, PageResult, analyze_page  # noqa: E402
from pipelines.errors import PageRejected  # noqa: E402
from pipelines.process import process_page  # noqa: E402
from pipelines.workers import ExtractionWorkers  # noqa: E402

FETCHED = "2026-01-01T00:00:00+00:00"


def pages(data: Path) -> list[tuple[Path, bytes]]:
    if not (data / "truth.jsonl").exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "eval" / "prepare.py"),
                        str(ROOT / "bench" / "data" / "aeb"), str(data)], check=True, stdout=subprocess.DEVNULL)
    return [(p, p.read_bytes()) for p in sorted(data.glob("*.html"))]


CEILING = """
import sys, multiprocessing
from pathlib import Path
from crawler.items import RawPage
from pipelines.errors import PageRejected
from pipelines.extraction.document import decode_html
from pipelines.process import process_page

def work(path):
    raw = RawPage(url=Path(path).resolve().as_uri(), html=decode_html(Path(path).read_bytes()),
                  fetched_at="2026-01-01T00:00:00+00:00")
    try:
        return process_page(raw).content_hash
    except PageRejected:
        return None

if __name__ == "__main__":
    with multiprocessing.get_context("fork").Pool(int(sys.argv[1])) as pool:
        print(sum(1 for h in pool.imap(work, sys.argv[2:], chunksize=4) if h))
"""


def bare_pool(files: list[tuple[Path, bytes]], jobs: int) -> float:
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", CEILING, str(jobs), *(str(p) for p, _ in files)], cwd=ROOT,
                   stdout=subprocess.DEVNULL, check=True)
    return len(files) / (time.monotonic() - start)


def warm(files: list[tuple[Path, bytes]], jobs: int) -> float:
    workers: ExtractionWorkers[PageJob, PageResult] = ExtractionWorkers(jobs, analyze_page)
    try:
        def batch() -> list[tuple[None, PageJob]]:
            return [(None, PageJob(RawPage(url=p.resolve().as_uri(), html="", fetched_at=FETCHED), body=b))
                    for p, b in files]
        list(workers.imap(batch()))  # start-up and warm-up
        start = time.monotonic()
        list(workers.imap(batch()))
        return len(files) / (time.monotonic() - start)
    finally:
        workers.close()


def cli(files: list[tuple[Path, bytes]], jobs: int) -> float:
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "crawler.cli", "extract", "-j", str(jobs), *(str(p) for p, _ in files)],
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return len(files) / (time.monotonic() - start)


def one_core(files: list[tuple[Path, bytes]]) -> float:
    raws = [RawPage(url=p.resolve().as_uri(), html=b.decode("utf-8", "replace"), fetched_at=FETCHED) for p, b in files]

    def run() -> None:
        for raw in raws:
            with contextlib.suppress(PageRejected):
                process_page(raw)
    run()
    start = time.process_time()
    run()
    return len(raws) / (time.process_time() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    files = pages(ROOT / "build" / "aeb")
    ceil = statistics.median(bare_pool(files, args.jobs) for _ in range(args.reps))
    hot = statistics.median(warm(files, args.jobs) for _ in range(args.reps))
    end_to_end = statistics.median(cli(files, args.jobs) for _ in range(args.reps))
    core = statistics.median(one_core(files) for _ in range(args.reps))
    print(f"AEB, {len(files)} pages, {args.jobs} workers, medians of {args.reps}")
    print(f"  one core, in process:                     {core:6.1f} pages per CPU second")
    print(f"  warm workers, no start-up:                {hot:6.1f} pages/s")
    print(f"  ceiling, bare Pool({args.jobs}), end to end:      {ceil:6.1f} pages/s")
    print(f"  newscrawl extract -j {args.jobs}, end to end:      {end_to_end:6.1f} pages/s")
    print(f"  extract / ceiling = {end_to_end / ceil:.2f}   (target >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
