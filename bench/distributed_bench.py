"""Distributed acceptance on the newsfarm: N processes on one Redis vs one embedded process.

    python bench/distributed_bench.py [--farm build/farm] [--workers 3]

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
    args = parser.parse_args()
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
