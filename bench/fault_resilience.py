"""Scheduled runs on the newsfarm meeting faults: a full output disk, Redis restarted mid-run.

    python bench/fault_resilience.py [--farm build/farm] [--scenarios disk-full,redis,redis-aof,redis-none]

disk-full   the output directory is a small tmpfs (mounted here as root, else in a user and
            mount namespace of our own, tests/smalldisk.py) filled but for --leave-kb: the run
            must stop with exit status 1; space is freed and the run is started again.
redis       a distributed run (`newscrawl run --redis` + one `newscrawl worker`) with no fault:
            the baseline the two below compare with.
redis-aof   a distributed run (`newscrawl run --redis` + one `newscrawl worker`) on a
            redis-server with AOF persistence, killed -9 once --kill-at records are written
            and started again --outage seconds later: the run must carry on and finish.
redis-none  the same without persistence (Redis comes back empty): the run must stop with
            exit status 1 (redis_data_lost), and running it again must complete it.
For each: exit statuses, seconds, and the union of complete parts against the farm's
manifest: articles lost (in the manifest, in no part) and duplicate records, after the
faulty run and after the rerun. A process still running after --timeout is a hang.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.farm_score import load  # noqa: E402
from bench.run_resilience import newscrawl, parts_summary, sites_file  # noqa: E402
from tests.smalldisk import SmallDisk  # noqa: E402

REDIS_SETTINGS = ", NEWSCRAWL_REDIS_IDLE_CLOSE = 3"  # heartbeats every 5 s (the default), dead after 15 s


def counted(out: Path, manifest: list[dict[str, Any]]) -> dict[str, Any]:
    summary = parts_summary(out, manifest)
    return {"records": summary["records"], "lost": summary["missing"], "duplicates": summary["duplicates"],
            "unreadable_parts": summary["unreadable_parts"]}


def finish(procs: dict[str, subprocess.Popen[str]], timeout: float) -> dict[str, Any]:
    """Exit status of each process, or "hung" (then killed) if it is still running at the deadline."""
    deadline = time.monotonic() + timeout
    codes: dict[str, Any] = {}
    for name, proc in procs.items():
        try:
            codes[name] = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            codes[name] = "hung"
    return codes


def last_lines(text: str, count: int = 4) -> list[str]:
    return [line for line in text.strip().splitlines() if line.startswith("newscrawl")][-count:]


def disk_full(farm: Path, work: Path, manifest: list[dict[str, Any]], leave_kb: int,
              timeout: float) -> dict[str, Any]:
    with SmallDisk(work / "disk", 64 << 20) as disk:
        path = sites_file(work, farm, output=str(work / "disk" / "out"))
        disk.fill(leave=leave_kb << 10)
        begin = time.monotonic()
        first = subprocess.run(disk.command(newscrawl("run", str(path))), cwd=ROOT, capture_output=True,
                               text=True, timeout=timeout)
        after_fault = {"exit": first.returncode, "seconds": round(time.monotonic() - begin, 1),
                       **counted(disk.path / "out", manifest), "stderr": last_lines(first.stderr)}
        disk.free()
        begin = time.monotonic()
        rerun = subprocess.run(disk.command(newscrawl("run", str(path))), cwd=ROOT, capture_output=True,
                               text=True, timeout=timeout)
        after_rerun = {"exit": rerun.returncode, "seconds": round(time.monotonic() - begin, 1),
                       **counted(disk.path / "out", manifest)}
    return {"faulty_run": after_fault, "rerun": after_rerun}


class Redis:
    def __init__(self, directory: Path, appendonly: bool, port: int) -> None:
        self.directory, self.appendonly, self.port = directory, appendonly, port
        self.proc: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "yes" if self.appendonly else "no",
                                      "--dir", str(self.directory)], stdout=subprocess.DEVNULL)
        for _ in range(200):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None


def redis_restart(farm: Path, work: Path, manifest: list[dict[str, Any]], appendonly: bool,
                  kill_at: int | None, outage: float, timeout: float) -> dict[str, Any]:
    """kill_at None: no fault (the baseline)."""
    from bench.distributed_bench import free_port

    path = sites_file(work, farm, extra=REDIS_SETTINGS)
    redis = Redis(work / "redis", appendonly, free_port())
    redis.start()
    try:
        begin = time.monotonic()
        spawn = [*newscrawl("run", str(path), "--redis", redis.url)]
        procs = {"run": subprocess.Popen(spawn, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                         text=True)}
        time.sleep(2.0)  # the run publishes its id, then a worker joins
        procs["worker"] = subprocess.Popen(newscrawl("worker", str(path), "--redis", redis.url), cwd=ROOT,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        killed_at = None
        if kill_at is not None:
            while counted(work / "out", manifest)["records"] < kill_at and procs["run"].poll() is None:
                time.sleep(0.2)
            killed_at = counted(work / "out", manifest)["records"]
            redis.kill()
            time.sleep(outage)
            redis.start()
        codes = finish(procs, timeout)
        stderr = procs["run"].stderr.read() if procs["run"].stderr is not None else ""
        result: dict[str, Any] = {"faulty_run": {
            "exit": codes, "seconds": round(time.monotonic() - begin, 1), "records_when_killed": killed_at,
            **counted(work / "out", manifest), "stderr": last_lines(stderr)}}
        begin = time.monotonic()
        rerun = subprocess.run(newscrawl("run", str(path), "--redis", redis.url), cwd=ROOT,
                               capture_output=True, text=True, timeout=timeout)
        result["rerun"] = {"exit": rerun.returncode, "seconds": round(time.monotonic() - begin, 1),
                           **counted(work / "out", manifest)}
        return result
    finally:
        redis.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--farm", type=Path, default=ROOT / "build" / "farm")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "faults")
    parser.add_argument("--serve", type=Path, default=ROOT.parent / "shared" / "newsfarm" / "serve.sh",
                        help="the newsfarm's serve.sh (default: ../shared/newsfarm/serve.sh)")
    parser.add_argument("--scenarios", default="disk-full,redis,redis-aof,redis-none")
    parser.add_argument("--leave-kb", type=int, default=400, help="free space left on the output disk")
    parser.add_argument("--kill-at", type=int, default=100, help="records written when Redis is killed")
    parser.add_argument("--outage", type=float, default=20.0,
                        help="seconds Redis stays down (20: longer than a heartbeat lives)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a run counts as hung")
    args = parser.parse_args()
    manifest = load(args.farm / "manifest.jsonl")
    serve = ["bash", str(args.serve), str(args.farm)]
    subprocess.run([*serve, "restart"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict[str, Any] = {"articles_in_manifest": len(manifest)}
    try:
        for scenario in args.scenarios.split(","):
            work = args.work / scenario
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            if scenario == "disk-full":
                results[scenario] = disk_full(args.farm, work, manifest, args.leave_kb, args.timeout)
            elif scenario in ("redis", "redis-aof", "redis-none"):
                kill_at = None if scenario == "redis" else args.kill_at
                results[scenario] = redis_restart(args.farm, work, manifest, scenario != "redis-none",
                                                  kill_at, args.outage, args.timeout)
            else:
                parser.error(f"unknown scenario {scenario!r}")
            print(json.dumps({scenario: results[scenario]}), file=sys.stderr, flush=True)
    finally:
        subprocess.run([*serve, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
