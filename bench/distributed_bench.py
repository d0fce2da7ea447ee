"""Distributed acceptance on the newsfarm: N processes on one Redis vs one embedded process.

    python bench/distributed_bench.py [--farm build/farm] [--workers 3]
    python bench/distributed_bench.py --pinned [--port 8096] [--sites 4] [--articles 100] [--reps 2]

--pinned is the scaling test this machine allows: one `newscrawl run --redis` process pinned
to one core (`taskset`) against it plus one `newscrawl worker` pinned to the other core,
each process sizing its extraction pool by the cores it may use. Articles/s (articles
written over the time until the last one was written; the idle wait before the workers
stop is left out), Redis commands per article (INFO commandstats over the run, by command),
duplicates and articles missing from the manifest; an embedded pinned process for reference.

Runs, each from empty state and output: (1) one embedded-mode `newscrawl run`; (2) a
distributed run, `newscrawl run --redis` plus N-1 `newscrawl worker` processes; (3) the
same with one worker killed by SIGKILL mid-run and not restarted. Prints articles
written vs the manifest, duplicates, and articles/s (wall time of the whole run).
Needs redis-server (it starts its own on a free port).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.farm_score import load  # noqa: E402
from bench.run_resilience import parts_summary, sites_file  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fresh(work: Path, farm: Path) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return sites_file(work, farm)


def one_run(work: Path, farm: Path, manifest: list[dict[str, Any]], workers: int, redis: str | None,
            kill_after: float | None = None) -> dict[str, Any]:
    path = fresh(work, farm)
    begin = time.monotonic()
    if redis is None:
        start("run", str(path)).wait()
    else:
        coordinator = start("run", str(path), "--redis", redis)
        time.sleep(1.0)
        others = [start("worker", str(path), "--redis", redis) for _ in range(workers - 1)]
        if kill_after is not None and others:
            time.sleep(kill_after)
            others[0].send_signal(signal.SIGKILL)
        coordinator.wait()
        for proc in others:
            proc.wait()
    wall = time.monotonic() - begin
    summary = parts_summary(work / "out", manifest)
    return {"wall_s": round(wall, 1), "articles_per_s": round(summary["found"] / wall, 1), **summary}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--farm", type=Path, default=ROOT / "build" / "farm")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-after", type=float, default=20.0)
    parser.add_argument("--pinned", action="store_true", help="1 pinned process vs 2 processes on 2 cores")
    parser.add_argument("--port", type=int, default=8096, help="--pinned: the farm's port")
    parser.add_argument("--sites", type=int, default=4, help="--pinned: farm sites")
    parser.add_argument("--articles", type=int, default=100, help="--pinned: articles per site")
    parser.add_argument("--reps", type=int, default=2, help="--pinned: interleaved repetitions")
    parser.add_argument("--cases", default="abc", help="--pinned: which cases to run (Redis calls: 'b')")
    args = parser.parse_args()
    if args.pinned:
        from bench.pinned_scaling import run_pinned

        return run_pinned(args)
    manifest = load(args.farm / "manifest.jsonl")
    subprocess.run(["bash", str(ROOT.parent / "shared" / "newsfarm" / "serve.sh"), str(args.farm), "restart"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    data = Path(tempfile.mkdtemp())
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(data)], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    results: dict[str, Any] = {}
    try:
        work = ROOT / "build" / "distributed"
        results["embedded, 1 process"] = one_run(work, args.farm, manifest, 1, None)
        url = f"redis://127.0.0.1:{port}/0"
        results[f"redis, {args.workers} processes"] = one_run(work, args.farm, manifest, args.workers, url)
        subprocess.run(["redis-cli", "-p", str(port), "flushall"], stdout=subprocess.DEVNULL)
        results[f"redis, {args.workers} processes, one killed at {args.kill_after:.0f} s"] = one_run(
            work, args.farm, manifest, args.workers, url, kill_after=args.kill_after)
    finally:
        redis.terminate()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
