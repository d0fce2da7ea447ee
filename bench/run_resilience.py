"""Scheduled-run acceptance on the newsfarm: kill -9 during `newscrawl run`, rerun, count.

    python bench/run_resilience.py [--farm build/farm] [--kills 3] [--work build/resilience]

1. `newscrawl run` over the farm's sites is killed with SIGKILL --kills times, at spread
   moments (one of them while an output part is open), then run again to the end.
2. The union of complete parts is compared with the manifest: articles written, missing,
   duplicates, unparseable lines.
3. An immediate second run: new records, wall time, HTTP requests (nginx stub_status).
Distributed runs under faults (a worker killed, Redis restarted, a full disk) are measured by
bench/distributed_bench.py and bench/fault_resilience.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.farm_score import load  # noqa: E402
from crawler.urls import dedup_key  # noqa: E402

FAST = ("DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, CONCURRENT_REQUESTS_PER_DOMAIN = 8, "
        "NEWSCRAWL_PART_RECORDS = 100")


def nginx_requests(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.10:{port}/nginx_status", timeout=5) as response:
        return int(response.read().decode().splitlines()[2].split()[2])


def farm_port(farm: Path) -> int:
    """The port the farm was generated for (generate.py --port; serve.sh serves it there)."""
    return int(json.loads((farm / "farm.json").read_text()).get("port", 8081))


def sites_file(work: Path, farm: Path, extra: str = "", output: str = "out") -> Path:
    farm_info = json.loads((farm / "farm.json").read_text())
    count, port = farm_info["params"]["sites"], farm_port(farm)
    path = work / "farm.toml"
    sites = "".join(f'\n[[site]]\nurl = "http://127.0.0.{10 + k}:{port}/"\n' for k in range(1, count + 1))
    path.write_text(f'[run]\noutput = "{output}"\nstate = "state"\nallow_private = true\n'
                    f"settings = {{ {FAST}{extra} }}\n{sites}")
    return path


def parts_summary(out: Path, manifest: list[dict[str, Any]]) -> dict[str, Any]:
    urls: list[str] = []
    bad_lines = bad_parts = 0
    for part in sorted(out.glob("date=*/run=*/part-*.jsonl.gz")):
        try:
            with gzip.open(part, "rt", encoding="utf-8") as handle:
                for line in handle:
                    try:
                        urls.append(json.loads(line)["url"])
                    except (ValueError, KeyError):
                        bad_lines += 1
        except (OSError, EOFError):
            bad_parts += 1
    truth = {dedup_key(m["url"]) for m in manifest}
    keys = [dedup_key(u) for u in urls]
    return {"records": len(keys), "manifest": len(truth), "found": len(set(keys) & truth),
            "missing": len(truth - set(keys)), "duplicates": len(keys) - len(set(keys)),
            "not_in_manifest": len(set(keys) - truth), "unparseable_lines": bad_lines, "unreadable_parts": bad_parts,
            "leftover_tmp": len(list(out.glob("date=*/run=*/.part-*.tmp")))}


def newscrawl(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def kill_runs(path: Path, kills: int, out: Path) -> list[float]:
    moments = []
    rng = random.Random(7)
    for i in range(kills):
        before = set(out.glob("date=*/run=*"))
        proc = subprocess.Popen(newscrawl("run", str(path)), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        start = time.monotonic()
        if i == kills - 1:  # the last kill: while this run has a part open, after a first complete one
            def writing(before: set[Path] = before) -> bool:
                mine = [d for d in out.glob("date=*/run=*") if d not in before]
                return any(list(d.glob(".part-*.tmp")) and list(d.glob("part-*")) for d in mine)
            while not writing() and proc.poll() is None:
                time.sleep(0.01)
        else:
            time.sleep(rng.uniform(25, 50))
        moments.append(round(time.monotonic() - start, 1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return moments


def timed(cmd: list[str], port: int) -> tuple[float, int, str]:
    before, start = nginx_requests(port), time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return time.monotonic() - start, nginx_requests(port) - before - 1, result.stderr[-800:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--farm", type=Path, default=ROOT / "build" / "farm")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "resilience")
    args = parser.parse_args()
    manifest = load(args.farm / "manifest.jsonl")
    subprocess.run(["bash", str(ROOT.parent / "shared" / "newsfarm" / "serve.sh"), str(args.farm), "restart"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    path = sites_file(args.work, args.farm)
    out = args.work / "out"
    moments = kill_runs(path, args.kills, out)
    after_kills = parts_summary(out, manifest)
    wall, requests, _tail = timed(newscrawl("run", str(path)), farm_port(args.farm))
    final = parts_summary(out, manifest)
    wall2, requests2, _tail2 = timed(newscrawl("run", str(path)), farm_port(args.farm))
    second = parts_summary(out, manifest)
    report = json.loads((args.work / "state" / "runs" / "last-run.json").read_text())
    print(json.dumps({
        "kills_at_seconds": moments, "after_kills": after_kills,
        "completing_run": {"wall_s": round(wall, 1), "requests": requests, **final},
        "second_run": {"wall_s": round(wall2, 1), "requests": requests2,
                       "new_records": second["records"] - final["records"],
                       "skipped_seen": sum(s["skipped_seen"] for s in report["sites"].values()),
                       "not_modified_304": report.get("not_modified")},
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
