"""Crawl throughput benchmark on the local newsfarm, three approaches measured side by side.

    python bench/crawl_bench.py [--sites 4] [--articles 100] [--large 1] [--reps 3] [--workers N]
    python bench/crawl_bench.py --memory [--port 8097]   # PSS by process at 5,000 ... 20,000 articles
    python bench/crawl_bench.py --memory --memory-articles 200   # the same on 800 articles, to iterate
    python bench/crawl_bench.py --memory-extract         # one extract process on 10 MiB pages

(a) ceiling: `newscrawl extract -j N` over the farm's article files (no network);
(b) naive: a plain Scrapy CrawlSpider with trafilatura blocking in an item pipeline
    (../shared/newsfarm/baselines/scrapy_farm.py --mode naive);
(c) ours: `newscrawl crawl` of the sites' homepages.
Each is run --reps times; the table shows medians: articles/s, wall s, CPU s (user+sys of
the whole process tree), max RSS of one process, peak RSS of the tree; then (c)/(a), (c)/(b).
The farm is generated under build/ and served by nginx on 127.0.0.1x:8081 (serve.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
from bench.farm_score import load, score  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


TICK = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """A process and all its descendants (the fork server and its workers included)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                continue
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def sample(pid: int) -> tuple[float, float, float]:
    """(CPU seconds so far, RSS MiB, PSS MiB) of one process; zeros once it is gone.
    PSS splits pages shared by forked workers fairly; the RSS sum counts them twice."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        rss = pss = 0.0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
        return cpu, rss, pss
    except (OSError, IndexError, ValueError):
        return 0.0, 0.0, 0.0


def measure(cmd: list[str], watch: Path | None = None, marks: tuple[int, ...] = ()) -> dict[str, Any]:
    """Run a command; wall time, CPU of its whole process tree (sampled from /proc every
    0.2 s, so a process that lives less than that is missed), max RSS of one process,
    peak RSS and PSS sums of the tree, and tree PSS when `watch` reaches each count in `marks`."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    cpu_seen: dict[int, float] = {}
    peak = {"rss_sum": 0.0, "pss_sum": 0.0, "rss_max": 0.0}
    at_marks: dict[int, float] = {}
    lines = offset = 0
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.append(proc.stderr.read() if proc.stderr else ""))
    reader.start()
    while proc.poll() is None:
        rss_sum = pss_sum = 0.0
        for pid in tree(proc.pid):
            cpu, rss, pss = sample(pid)
            if cpu:
                cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), cpu)
            rss_sum, pss_sum = rss_sum + rss, pss_sum + pss
            peak["rss_max"] = max(peak["rss_max"], rss)
        peak["rss_sum"] = max(peak["rss_sum"], rss_sum)
        peak["pss_sum"] = max(peak["pss_sum"], pss_sum)
        if watch is not None and watch.exists():
            with watch.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            offset += len(chunk)
            lines += chunk.count(b"\n")
            for mark in marks:
                if lines >= mark and mark not in at_marks:
                    at_marks[mark] = round(pss_sum, 1)
        time.sleep(0.2)
    reader.join()
    return {"returncode": proc.returncode, "wall": time.monotonic() - start, "cpu": sum(cpu_seen.values()),
            "max_rss_mb": peak["rss_max"], "tree_peak_mb": peak["pss_sum"], "tree_rss_sum_mb": peak["rss_sum"],
            "pss_at": at_marks, "stderr_tail": "".join(stderr)[-600:]}


def newscrawl() -> list[str]:
    return [sys.executable, "-m", "crawler.cli"]


def run_ceiling(farm: Path, manifest: list[dict], workers: int, out: Path) -> dict[str, Any]:
    files = [str(farm / "sites" / f"site{m['site']}" / m["file"]) for m in manifest]
    result = measure([*newscrawl(), "extract", "-j", str(workers), "-o", str(out), *files])
    result["articles"] = sum(1 for r in load(out) if "error" not in r)
    return result


def run_naive(farm: Path, manifest: list[dict], out: Path) -> dict[str, Any]:
    script = SHARED / "newsfarm" / "baselines" / "scrapy_farm.py"
    result = measure([sys.executable, str(script), "--mode", "naive", "--farm", str(farm), "--out", str(out)])
    records = [dict(r, url=r.get("url") or r.get("source", "")) for r in load(out)] if out.exists() else []
    result["articles"] = score(manifest, [r for r in records if r.get("url")])["found"]
    return result


def run_ours(sites: list[str], manifest: list[dict], out: Path, workers: int | None) -> dict[str, Any]:
    extra = ["-s", f"NEWSCRAWL_WORKERS={workers}"] if workers is not None else []
    result = measure([*newscrawl(), "crawl", *sites, "-o", str(out), *FAST, *extra])
    scored = score(manifest, load(out))
    result.update(articles=scored["found"], recall=scored["recall"], duplicates=scored["duplicates"],
                  non_articles=scored["non_article_records"], dates=scored["date_exact_with_offset"])
    return result


def farm_up(farm: Path, sites: int, articles: int, large: int, port: int = 8081) -> list[str]:
    if not (farm / "manifest.jsonl").exists():
        subprocess.run([sys.executable, str(SHARED / "newsfarm" / "generate.py"), str(farm), "--sites", str(sites),
                        "--articles-per-site", str(articles), "--seed", "1", "--large-per-site", str(large),
                        "--trap-months", "1", "--port", str(port), "--aeb", str(SHARED / "aeb")], check=True,
                       stdout=subprocess.DEVNULL)
    served = subprocess.run(["bash", str(SHARED / "newsfarm" / "serve.sh"), str(farm), "restart"],
                            capture_output=True, text=True)
    if served.returncode != 0:  # usually another farm still holds the ports
        raise SystemExit(f"cannot serve {farm}: {served.stderr.strip()[-300:]}\n"
                         "stop the other farm first: bash ../shared/newsfarm/serve.sh OTHER_FARM stop")
    return [f"http://127.0.0.{10 + k}:{port}/" for k in range(1, sites + 1)]


def median_row(name: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("articles", "wall", "cpu", "max_rss_mb", "tree_peak_mb")
    row = {key: statistics.median(r[key] for r in runs) for key in keys}
    row["articles_per_s"] = statistics.median(r["articles"] / r["wall"] for r in runs)
    row["walls"] = [round(r["wall"], 1) for r in runs]
    row["name"] = name
    return row


def print_table(rows: list[dict[str, Any]], cores: int) -> None:
    print(f"\nnewsfarm crawl benchmark, {cores} cores, medians of {len(rows[0]['walls'])} runs")
    print("| approach | articles | articles/s | wall s (runs) | CPU s (tree) "
          "| max RSS MiB (1 proc) | peak PSS MiB (tree) |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['articles']:.0f} | {row['articles_per_s']:.1f} "
              f"| {row['wall']:.1f} {row['walls']} "
              f"| {row['cpu']:.1f} | {row['max_rss_mb']:.0f} | {row['tree_peak_mb']:.0f} |")
    a, b, c = rows
    print(f"\n(c)/(a) = {c['articles_per_s'] / a['articles_per_s']:.2f}   (target >= 0.85)")
    print(f"(c)/(b) = {c['articles_per_s'] / b['articles_per_s']:.2f}   (target >= 4)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--articles", type=int, default=100, help="articles per site")
    parser.add_argument("--large", type=int, default=1, help="5 MB live-blog pages per site")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory", action="store_true",
                        help="PSS by process at 5,000 to 20,000 articles, 2 workers (bench/memory_bench.py)")
    parser.add_argument("--memory-extract", action="store_true",
                        help="max RSS of one extract process on pages up to 10 MiB (bench/memory_bench.py)")
    parser.add_argument("--memory-articles", type=int, default=5200, metavar="N",
                        help="--memory: articles per site (default 5200: 20,000 articles from 4 sites)")
    parser.add_argument("--port", type=int, default=8081, help="the farm's port (another farm may hold 8081)")
    parser.add_argument("--json", type=Path, help="also write all measurements here")
    args = parser.parse_args()
    build = ROOT / "build"
    if args.memory or args.memory_extract:
        from bench.memory_bench import extract_memory, run_memory

        if args.memory_extract:
            extract_memory()
        return run_memory(args, farm_up) if args.memory else 0
    farm = build / f"farm-bench-{args.sites}x{args.articles}-l{args.large}"
    sites = farm_up(farm, args.sites, args.articles, args.large, args.port)
    manifest = load(farm / "manifest.jsonl")
    runs: dict[str, list[dict[str, Any]]] = {"a": [], "b": [], "c": []}
    for rep in range(args.reps):
        runs["a"].append(run_ceiling(farm, manifest, args.workers, build / "bench-a.jsonl"))
        runs["b"].append(run_naive(farm, manifest, build / "bench-b.jsonl"))
        runs["c"].append(run_ours(sites, manifest, build / "bench-c.jsonl", args.workers))
        done = ", ".join(f"{k} {v[-1]['articles']} in {v[-1]['wall']:.1f}s" for k, v in runs.items())
        print(f"rep {rep + 1}: {done}", file=sys.stderr)
    rows = [median_row(f"(a) ceiling: newscrawl extract -j {args.workers}, from disk", runs["a"]),
            median_row("(b) naive Scrapy + blocking trafilatura pipeline", runs["b"]),
            median_row(f"(c) newscrawl crawl ({args.workers} workers)", runs["c"])]
    print_table(rows, os.cpu_count() or 1)
    last = runs["c"][-1]
    print(f"(c) quality, last run: recall {last['recall']}, duplicates {last['duplicates']}, "
          f"non-article records {last['non_articles']}, dates exact with offset {last['dates']}")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
