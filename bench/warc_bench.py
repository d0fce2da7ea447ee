"""Backfill from CC-NEWS-style WARC archives: identity with a crawl, filters, scaling with -j.

    python bench/warc_bench.py [--port 8095] [--sites 2] [--articles 100] [--reps 2] [--skip-crawl]

1. Identity with a crawl. `newscrawl crawl --warc DIR` of a newsfarm (generated under build/,
   served by nginx on 127.0.0.1x:PORT), then its archive rewritten in CC-NEWS's layout
   (tests/ccnews.py: our JSON metadata dropped, payloads stored decoded, repeated payloads as
   revisits, request/metadata records as StormCrawler writes them) and extracted with
   `newscrawl extract`: (url, content_hash) pairs of both, and every difference explained.
2. Rate. A CC-NEWS-style archive of the AEB pages and the WCXB articles (892 real pages, with
   revisits, non-HTML records, redirects and a truncated page among them), extracted with
   `-j 1` pinned to one core (`taskset -c CORE`) and with `-j 2` on two cores: pages extracted
   per second of wall time, interleaved reps, medians; also CPU seconds of the whole tree.
3. Filters before extraction: the same archive with `--site` (one of the sites) and with
   `--since`: pages extracted vs the whole archive, and the time it takes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.ccnews import Capture, from_our_warc, write_warc  # noqa: E402

SHARED = ROOT.parent / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


def newscrawl(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def timed(cmd: list[str]) -> dict[str, float]:
    """Wall seconds and CPU seconds (user+sys) of a command and every process it waited for;
    the fork server's workers are reaped by it, and it by us only if we are its reaper."""
    start = time.monotonic()
    before = os.times()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while True:  # orphans (the fork server) re-parented to us as subreaper
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = os.times()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:6])}... failed:\n{proc.stderr[-1500:]}")
    return {"wall": time.monotonic() - start,
            "cpu": after.children_user - before.children_user + after.children_system - before.children_system}


def become_subreaper() -> None:
    """Orphaned descendants (the extraction pool's fork server outlives its parent by a moment)
    come to us, so their CPU time counts."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def pairs(path: Path) -> set[tuple[str, str]]:
    return {(r["url"], r["content_hash"]) for r in map(json.loads, path.open(encoding="utf-8")) if "error" not in r}


def identity(args: argparse.Namespace, work: Path) -> None:
    farm = ROOT / "build" / f"farm-warc-{args.sites}x{args.articles}-p{args.port}"
    if not (farm / "manifest.jsonl").exists():
        subprocess.run([sys.executable, str(SHARED / "newsfarm" / "generate.py"), str(farm), "--sites", str(args.sites),
                        "--articles-per-site", str(args.articles), "--seed", "1", "--large-per-site", "0",
                        "--trap-months", "1", "--port", str(args.port), "--aeb", str(SHARED / "aeb")],
                       check=True, stdout=subprocess.DEVNULL)
    served = subprocess.run(["bash", str(SHARED / "newsfarm" / "serve.sh"), str(farm), "restart"],
                            capture_output=True, text=True)
    if served.returncode != 0:
        raise SystemExit(f"cannot serve {farm} on port {args.port}: {served.stderr[-300:]} (try --port)")
    try:
        sites = [f"http://127.0.0.{10 + k}:{args.port}/" for k in range(1, args.sites + 1)]
        crawl_out, warcs = work / "crawl.jsonl", work / "warc"
        subprocess.run(["rm", "-rf", str(warcs)], check=True)
        begin = time.monotonic()
        subprocess.run(newscrawl("crawl", *sites, "-o", str(crawl_out), "--warc", str(warcs), *FAST), cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        crawl_wall = time.monotonic() - begin
    finally:
        subprocess.run(["bash", str(SHARED / "newsfarm" / "serve.sh"), str(farm), "stop"], capture_output=True)
    ours = sorted(warcs.glob("*.warc.gz"))
    cc = [work / f"CC-NEWS-{i:05d}.warc.gz" for i in range(len(ours))]
    captures = revisits = 0
    for source, target in zip(ours, cc, strict=True):
        written, repeated = from_our_warc(source, target)
        captures, revisits = captures + written, revisits + repeated
    out, stats = work / "from-ccnews.jsonl", work / "from-ccnews.stats.json"
    subprocess.run(newscrawl("extract", *map(str, cc), "-o", str(out), "--stats", str(stats)), cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    crawled, extracted = pairs(crawl_out), pairs(out)
    counts = json.loads(stats.read_text(encoding="utf-8"))
    print(f"\n1. identity with a crawl: {args.sites} newsfarm sites x {args.articles} articles, crawled in "
          f"{crawl_wall:.0f} s with --warc; {len(ours)} archive(s), {captures} captures rewritten CC-NEWS-style "
          f"({revisits} revisits)")
    print("| | records | (url, content_hash) in common | only here |")
    print("|---|---|---|---|")
    print(f"| crawl (newscrawl crawl) | {len(crawled)} | {len(crawled & extracted)} | {len(crawled - extracted)} |")
    print(f"| extract of the CC-NEWS-style archive | {len(extracted)} | {len(crawled & extracted)} "
          f"| {len(extracted - crawled)} |")
    for url, _ in sorted(crawled - extracted)[:10]:
        print(f"  only in the crawl: {url}")
    for url, _ in sorted(extracted - crawled)[:10]:
        print(f"  only from the archive: {url}")
    print("  archive counts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def corpus_archive(path: Path) -> tuple[int, dict[str, int]]:
    """The AEB pages and WCXB articles as one CC-NEWS-style archive, with the other records CC-NEWS has."""
    sets = [(SHARED / "aeb", "html", ".html.gz"), (SHARED / "devsets" / "wcxb-articles", ".", ".html.gz")]
    captures: list[Capture] = []
    sites: dict[str, int] = {}
    for folder, sub, suffix in sets:
        truth = {}
        if (folder / "ground-truth.json").exists():
            truth = {k: v.get("url") for k, v in json.loads((folder / "ground-truth.json").read_text()).items()}
        elif (folder / "truth.jsonl").exists():
            truth = {str(t["id"]): t.get("url") for t in map(json.loads, (folder / "truth.jsonl").open())}
        for page in sorted((folder / sub).glob(f"*{suffix}")):
            key = page.name.removesuffix(suffix)
            url = truth.get(key) or f"https://example.org/{key}"
            day = 1 + len(captures) % 28
            captures.append(Capture(url, gzip.decompress(page.read_bytes()), date=f"2024-02-{day:02d}T08:00:00Z"))
            host = url.split("/")[2].removeprefix("www.")
            sites[host] = sites.get(host, 0) + 1
    extras = [Capture(captures[i].url, captures[i].body, revisit_of=captures[i]) for i in range(0, 60, 10)]
    extras += [Capture(f"https://example.org/doc-{i}.pdf", b"%PDF-1.7\n" + b"\x00" * 4000,
                       content_type="application/pdf") for i in range(20)]
    extras += [Capture(f"https://example.org/r/{i}", b"", status=301) for i in range(20)]
    spread = extras + [None] * (len(captures) - len(extras))
    mixed = [c for pair in zip(captures, spread, strict=True) for c in pair if c is not None]
    write_warc(path, mixed)
    return len(captures), sites


def rate(args: argparse.Namespace, work: Path) -> None:
    archive = work / "CC-NEWS-corpus.warc.gz"
    pages, sites = corpus_archive(archive)
    core = min(os.sched_getaffinity(0))
    cores = sorted(os.sched_getaffinity(0))[:2]
    runs: dict[str, list[dict[str, float]]] = {"-j 1, 1 core": [], "-j 2, 2 cores": []}
    out = work / "rate.jsonl"
    for _ in range(args.reps):
        runs["-j 1, 1 core"].append(timed(["taskset", "-c", str(core), *newscrawl(
            "extract", str(archive), "-j", "1", "-o", str(out))]))
        runs["-j 2, 2 cores"].append(timed(["taskset", "-c", ",".join(map(str, cores)), *newscrawl(
            "extract", str(archive), "-j", "2", "-o", str(out))]))
    one_load, five_load, _ = os.getloadavg()
    print(f"\n2. rate: one CC-NEWS-style archive of {pages} real pages (AEB + WCXB articles) plus revisits, PDFs "
          f"and redirects; {args.reps} interleaved reps, medians; load average {one_load:.1f} / {five_load:.1f} "
          f"on {os.cpu_count()} cores")
    print("| run | pages/s (wall) | wall s (runs) | CPU s | pages per CPU-s |")
    print("|---|---|---|---|---|")
    medians = {}
    for name, results in runs.items():
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        medians[name] = pages / wall
        print(f"| {name} | {pages / wall:.1f} | {wall:.1f} {[round(r['wall'], 1) for r in results]} | {cpu:.1f} "
              f"| {pages / cpu:.1f} |")
    print(f"  -j 2 / -j 1 = {medians['-j 2, 2 cores'] / medians['-j 1, 1 core']:.2f}   (target >= 1.8)")
    filters(archive, work, pages, sites)


def filters(archive: Path, work: Path, pages: int, sites: dict[str, int]) -> None:
    site = max(sites, key=lambda s: sites[s])
    print(f"\n3. filters before extraction (same archive, {pages} HTML pages; -j 2)")
    print("| filter | pages extracted | filtered before extraction | records | wall s |")
    print("|---|---|---|---|---|")
    for name, extra in ((f"--site {site}", ["--site", site]), ("--since 2024-02-20", ["--since", "2024-02-20"]),
                        ("--url-pattern /20\\d\\d/", ["--url-pattern", r"/20\d\d/"])):
        stats = work / "filter.json"
        result = timed(newscrawl("extract", str(archive), "-j", "2", "-o", str(work / "filter.jsonl"),
                                 "--stats", str(stats), *extra))
        counts = json.loads(stats.read_text(encoding="utf-8"))
        filtered = sum(v for k, v in counts.items() if k.startswith("filtered/"))
        print(f"| {name} | {counts.get('extracted', 0)} | {filtered} | {counts.get('records', 0)} "
              f"| {result['wall']:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8095, help="newsfarm port (8081 is often taken)")
    parser.add_argument("--sites", type=int, default=2)
    parser.add_argument("--articles", type=int, default=100, help="articles per farm site")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--skip-crawl", action="store_true", help="only the rate and filter tables")
    parser.add_argument("--skip-rate", action="store_true", help="only the identity table")
    args = parser.parse_args()
    work = ROOT / "build" / "warc-bench"
    work.mkdir(parents=True, exist_ok=True)
    print(f"WARC backfill benchmark, {os.cpu_count()} cores (usable here: {len(os.sched_getaffinity(0))})")
    if not args.skip_crawl:
        identity(args, work)
    if not args.skip_rate:
        become_subreaper()  # after the farm's nginx is gone: it would be re-parented to us too
        rate(args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
