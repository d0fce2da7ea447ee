"""Pinned-core scaling of distributed mode (bench/distributed_bench.py --pinned).

One machine stands in for N: each `newscrawl` process is pinned to its own core with
`taskset`, so two processes get what two one-core machines would give them. Compared:
(a) one embedded `newscrawl run` on core 0, (b) one `newscrawl run --redis` on core 0,
(c) `newscrawl run --redis` on core 0 plus `newscrawl worker --redis` on core 1.
"""

from __future__ import annotations

import ctypes
import gzip
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
sys.path.insert(0, str(ROOT))
from bench.farm_score import load  # noqa: E402
from crawler.urls import dedup_key  # noqa: E402

SETTINGS = ("DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, CONCURRENT_REQUESTS_PER_DOMAIN = 8, "
            "NEWSCRAWL_PART_RECORDS = 50, NEWSCRAWL_REDIS_IDLE_CLOSE = 3")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_cli(port: int, *args: str) -> str:
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, check=True).stdout


def commandstats(port: int) -> dict[str, int]:
    calls: dict[str, int] = {}
    for line in redis_cli(port, "INFO", "commandstats").splitlines():
        if line.startswith("cmdstat_"):
            name, rest = line.split(":", 1)
            calls[name.removeprefix("cmdstat_")] = int(rest.split("calls=")[1].split(",")[0])
    return calls


def reads_processed(port: int) -> int:
    """Requests the server read from its clients: one per round trip (a pipeline arrives in one read
    unless it is larger than Redis's 16 KiB read buffer). CONFIG RESETSTAT does not reset it."""
    for line in redis_cli(port, "INFO", "stats").splitlines():
        if line.startswith("total_reads_processed:"):
            return int(line.split(":")[1])
    return 0


def adopt_orphans() -> None:
    """Make this process the reaper of its orphaned descendants (Linux): a crawl's extraction
    pool runs under a fork server that outlives the crawl process by a moment; reaped here, its
    CPU time (and its workers') counts in RUSAGE_CHILDREN."""
    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans(keep: set[int], patience: float = 5.0) -> None:
    """Wait for the descendants left to this process (all but `keep`) to exit, and reap them."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        children: set[int] = set()
        for task in Path("/proc/self/task").iterdir():
            with open(task / "children", encoding="ascii") as handle:
                children |= {int(pid) for pid in handle.read().split()}
        left = children - keep
        if not left:
            return
        for pid in left:
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                time.sleep(0.02)


def sites_file(work: Path, farm: Path) -> Path:
    info = json.loads((farm / "farm.json").read_text())
    port = info.get("port", 8081)
    count = len(info["sites"])
    entries = "".join(f'\n[[site]]\nurl = "http://127.0.0.{10 + k}:{port}/"\n' for k in range(1, count + 1))
    path = work / "farm.toml"
    path.write_text(f'[run]\noutput = "out"\nstate = "state"\nallow_private = true\nsettings = {{ {SETTINGS} }}\n'
                    f"{entries}", encoding="utf-8")
    return path


def written(out: Path, manifest: list[dict[str, Any]]) -> dict[str, Any]:
    """Articles in complete parts against the manifest, and when the last part was completed."""
    keys: list[str] = []
    last = 0.0
    for part in sorted(out.glob("date=*/run=*/part-*.jsonl.gz")):
        last = max(last, part.stat().st_mtime)
        with gzip.open(part, "rt", encoding="utf-8") as handle:
            keys += [dedup_key(json.loads(line)["url"]) for line in handle if line.strip()]
    truth = {dedup_key(m["url"]) for m in manifest}
    return {"articles": len(set(keys) & truth), "duplicates": len(keys) - len(set(keys)),
            "missing": len(truth - set(keys)), "last_write": last}


def one_case(name: str, farm: Path, manifest: list[dict[str, Any]], port: int | None,
             keep: set[int]) -> dict[str, Any]:
    work = ROOT / "build" / "pinned" / name.split()[0]
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    path = sites_file(work, farm)
    cores = sorted(os.sched_getaffinity(0))
    redis = f"redis://127.0.0.1:{port}/0" if port else None
    reads_before = 0
    if port:
        redis_cli(port, "FLUSHALL")
        redis_cli(port, "CONFIG", "RESETSTAT")
        reads_before = reads_processed(port)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start_wall, start = time.time(), time.monotonic()
    procs = [subprocess.Popen(["taskset", "-c", str(cores[0]), sys.executable, "-m", "crawler.cli", "run", str(path),
                               *(["--redis", redis] if redis else [])], cwd=work, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    if name.startswith("(c)"):
        # Started with the run, as a second machine would be: it waits for the run (--wait).
        procs.append(subprocess.Popen(["taskset", "-c", str(cores[1]), sys.executable, "-m", "crawler.cli", "worker",
                                       str(path), "--redis", str(redis), "--wait", "60"], cwd=work,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for proc in procs:
        proc.wait()
    wall = time.monotonic() - start
    reap_orphans(keep)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the crawl processes and their pools, whole
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    result = written(work / "out", manifest)
    active = max(0.1, result["last_write"] - start_wall) if result["last_write"] else wall
    calls = commandstats(port) if port else {}
    calls.pop("info", None)  # ours, not the crawl's
    calls.pop("config|resetstat", None)
    trips = reads_processed(port) - reads_before - 1 if port else 0  # less our own INFO
    total = sum(calls.values())
    per = max(1, result["articles"])
    return {**result, "wall": wall, "active": active, "articles_per_s": result["articles"] / active,
            "cpu_ms_per_article": 1000 * cpu / per,
            "redis_calls": total, "redis_per_article": total / per, "round_trips_per_article": trips / per,
            "by_command": {k: round(v / per, 2) for k, v in sorted(calls.items(), key=lambda kv: -kv[1])}}


def run_pinned(args: Any) -> int:
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("--pinned needs two usable cores")
    farm = ROOT / "build" / f"farm-pinned-{args.sites}x{args.articles}-p{args.port}"
    if not (farm / "manifest.jsonl").exists():
        subprocess.run([sys.executable, str(SHARED / "newsfarm" / "generate.py"), str(farm), "--sites", str(args.sites),
                        "--articles-per-site", str(args.articles), "--seed", "1", "--large-per-site", "0",
                        "--trap-months", "1", "--port", str(args.port), "--aeb", str(SHARED / "aeb")],
                       check=True, stdout=subprocess.DEVNULL)
    manifest = load(farm / "manifest.jsonl")
    served = subprocess.run(["bash", str(SHARED / "newsfarm" / "serve.sh"), str(farm), "restart"],
                            capture_output=True, text=True)
    if served.returncode != 0:
        raise SystemExit(f"cannot serve {farm}: {served.stderr[-300:]} (another --port?)")
    port = free_port()
    data = Path(tempfile.mkdtemp())
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(data)], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    adopt_orphans()
    cases = {"(a) embedded, 1 process on 1 core": None, "(b) redis, 1 process on 1 core": port,
             "(c) redis, 2 processes on 2 cores (1 each)": port}
    cases = {name: value for name, value in cases.items() if name[1] in args.cases}
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in cases}
    try:
        for rep in range(args.reps):
            for name, redis_port in cases.items():
                results[name].append(one_case(name, farm, manifest, redis_port, {redis.pid}))
                last = results[name][-1]
                print(f"rep {rep + 1} {name}: {last['articles']} articles in {last['active']:.1f} s "
                      f"({last['articles_per_s']:.1f}/s), {last['redis_per_article']:.1f} Redis calls and "
                      f"{last['round_trips_per_article']:.1f} round trips per article, "
                      f"{last['cpu_ms_per_article']:.0f} CPU ms per article",
                      file=sys.stderr)
    finally:
        redis.terminate()
        redis.wait()
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run(["bash", str(SHARED / "newsfarm" / "serve.sh"), str(farm), "stop"], capture_output=True)
    one, five, _ = os.getloadavg()
    print(f"\npinned-core scaling: newsfarm {args.sites} sites x {args.articles} articles ({len(manifest)} in the "
          f"manifest), {os.cpu_count()} cores, medians of {args.reps} interleaved runs; load average "
          f"{one:.1f} / {five:.1f}")
    print("| case | articles/s | active s (runs) | articles | duplicates | missing | CPU ms/article "
          "| Redis calls/article | round trips/article |")
    print("|---|---|---|---|---|---|---|---|---|")
    rate = {}
    for name, runs in results.items():
        rate[name] = statistics.median(r["articles_per_s"] for r in runs)
        calls = f"{statistics.median(r['redis_per_article'] for r in runs):.1f}" if cases[name] else "-"
        trips = f"{statistics.median(r['round_trips_per_article'] for r in runs):.1f}" if cases[name] else "-"
        print(f"| {name} | {rate[name]:.1f} | {statistics.median(r['active'] for r in runs):.1f} "
              f"{[round(r['active'], 1) for r in runs]} | {runs[-1]['articles']} | "
              f"{max(r['duplicates'] for r in runs)} | {max(r['missing'] for r in runs)} | "
              f"{statistics.median(r['cpu_ms_per_article'] for r in runs):.0f} | {calls} | {trips} |")
    b, c = (next((n for n in cases if n[1] == case), None) for case in "bc")
    if b and c:
        print(f"  (c)/(b) = {rate[c] / rate[b]:.2f}   (target >= 1.8)")
    for name, redis_port in cases.items():
        if redis_port:
            print(f"  Redis calls per article, {name}: {results[name][-1]['by_command']}")
    return 0
