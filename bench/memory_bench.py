"""Memory of a crawl and of one extraction (bench/crawl_bench.py --memory, --memory-extract).

    python bench/crawl_bench.py --memory [--sites 4] [--memory-articles 5200] [--port 8097]
    python bench/crawl_bench.py --memory-extract

--memory: `newscrawl crawl` of a newsfarm big enough for 20,000 articles, with 2 extraction
workers. The process tree is sampled from /proc every 0.5 s: PSS (proportional set size:
pages shared by the forked workers and the memory-mapped language model are split between
the processes that share them, so the sum is what the tree costs) of each process by role,
recorded when the output reaches 5,000, 10,000, 15,000 and 20,000 articles (a quarter, half,
three quarters and all of a smaller farm's: `--memory-articles 200` to iterate); and the peak.
--memory-extract: `newscrawl extract -j 0` on pages of up to the 10 MiB download cap, each
shaped to cost memory in its own way; max RSS of the process (rusage), CPU seconds, outcome.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
MARKS = (5000, 10000, 15000, 20000)
CAP = 10 * 1024 * 1024


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            found.setdefault(ppid, []).append(int(entry))
    return found


def _pss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def roles(root: int) -> dict[str, list[int]]:
    """The crawl's processes by role: the crawler itself, the fork server, its workers, others."""
    children = _children()
    out: dict[str, list[int]] = {"crawler (Scrapy)": [root]}
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        parent_cmd = ""
        try:
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            parent_cmd = Path(f"/proc/{ppid}/cmdline").read_bytes().decode("utf-8", "replace")
        except (OSError, ValueError, IndexError):
            pass
        if "forkserver" in cmd and "forkserver" not in parent_cmd:
            role = "fork server"
        elif "forkserver" in parent_cmd:
            role = "extraction workers"
        elif "resource_tracker" in cmd:
            role = "resource tracker"
        else:
            role = "other"
        out.setdefault(role, []).append(pid)
        stack.extend(children.get(pid, []))
    return out


def marks_for(total: int) -> tuple[int, ...]:
    """5,000 ... 20,000 articles; on a smaller farm its quarters (to iterate quickly)."""
    if total >= 20_800:
        return MARKS
    return tuple(total * k // 4 // 10 * 10 for k in (1, 2, 3, 4))


def crawl_memory(sites: list[str], out: Path, workers: int, marks: tuple[int, ...] = MARKS) -> dict[str, Any]:
    part = out.with_name(f".{out.name}.part")
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", *sites, "-o", str(out), *FAST,
           "-s", f"NEWSCRAWL_WORKERS={workers}"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    at: dict[int, dict[str, Any]] = {}
    peak = {"tree": 0.0}
    lines = offset = 0
    while proc.poll() is None:
        by_role = {role: [_pss_mib(pid) for pid in pids] for role, pids in roles(proc.pid).items()}
        tree = sum(sum(values) for values in by_role.values())
        peak["tree"] = max(peak["tree"], tree)
        if part.exists():
            with part.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            offset += len(chunk)
            lines += chunk.count(b"\n")
        for mark in marks:
            if lines >= mark and mark not in at:
                at[mark] = {"tree": round(tree, 1), "seconds": round(time.monotonic() - start, 1),
                            **{role: [round(v, 1) for v in values] for role, values in by_role.items()}}
        time.sleep(0.5)
    return {"returncode": proc.returncode, "wall": time.monotonic() - start, "articles": lines, "at": at,
            "peak_tree": round(peak["tree"], 1), "marks": list(marks)}


def print_crawl(result: dict[str, Any], workers: int) -> None:
    at = result["at"]
    marks = [m for m in result["marks"] if m in at]
    one, five, _ = os.getloadavg()
    print(f"\ncrawl memory, PSS MiB, {workers} extraction workers, {os.cpu_count()} cores; {result['articles']} "
          f"articles in {result['wall']:.0f} s; load average {one:.1f} / {five:.1f}")
    print("| process | " + " | ".join(f"{m:,} articles" for m in marks) + " |")
    print("|---|" + "---|" * len(marks))
    for role in sorted({r for m in marks for r in at[m] if r not in ("tree", "seconds")}):
        cells = [" + ".join(f"{v:.0f}" for v in at[m].get(role, [])) or "-" for m in marks]
        print(f"| {role} | " + " | ".join(cells) + " |")
    print("| **tree** | " + " | ".join(f"**{at[m]['tree']:.0f}**" for m in marks) + " |")
    if len(marks) >= 2:
        growth = at[marks[-1]]["tree"] / at[marks[0]]["tree"]
        print(f"  growth {marks[-1]:,} / {marks[0]:,} articles: {growth:.2f}x "
              f"(target <= 1.1); peak of the tree over the run {result['peak_tree']:.0f} MiB (target <= 400)")


def _aeb_page() -> bytes:
    """A real article page."""
    return gzip.decompress(sorted((SHARED / "aeb" / "html").glob("*.html.gz"))[5].read_bytes())


_SENTENCE = b"The council approved the budget on Tuesday after a long debate about buses. "


# Vietnamese, the first users' language: most letters take 2 bytes in UTF-8 and Python keeps
# such text at 2 bytes a character, where English takes 1.
_SENTENCE_VI = "Hội nghị toàn quốc tổng kết công tác năm 2023 và triển khai nhiệm vụ năm 2024 tại Hà Nội. ".encode()


def _paragraphs_vi(count: int) -> bytes:
    return b"".join(b"<p>%d. %s</p>\n" % (i, _SENTENCE_VI * 4) for i in range(count))


def _paragraphs(count: int, start: int = 0) -> bytes:
    """`count` paragraphs of ~480 bytes, each its own (numbered): trafilatura keeps one copy of
    a paragraph repeated verbatim, which would hide what a page of real prose costs."""
    return b"".join(b"<p>%d. %s</p>\n" % (start + i, _SENTENCE * 6) for i in range(count))


def heavy_pages(folder: Path) -> dict[str, Path]:
    """Pages of about 10 MiB, each shaped to cost memory differently."""
    folder.mkdir(parents=True, exist_ok=True)
    page = _aeb_page()
    para = len(_paragraphs(1, 10_000))
    head = b"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Big page | Site</title>" \
           b"<meta property='og:type' content='article'></head><body><article><h1>Big page</h1>"
    tail = b"</article></body></html>"
    fill = CAP - len(head) - len(tail) - 1024
    shapes = {
        "long article (10 MiB of paragraphs)": head + _paragraphs(fill // para) + tail,
        "long article in Vietnamese (10 MiB)": head.replace(b"lang='en'", b"lang='vi'")
        + _paragraphs_vi(fill // len(_paragraphs_vi(1))) + tail,
        # One character outside the BMP makes Python keep the whole text at 4 bytes a character.
        "long article, one emoji in its first line": head + "<p>Tin nóng 😀</p>".encode()
        + _paragraphs(fill // para) + tail,
        "live blog (5,231 dated posts)": head + b"".join(
            b"<div class='post'><time datetime='2024-03-05T10:%02d:00Z'>10:%02d</time><h2>Update %d</h2>%s</div>"
            % (i % 60, i % 60, i, _paragraphs(4, 4 * i)) for i in range(fill // (para * 4 + 120))) + tail,
        "inline script (9.5 MiB of JSON)": head + _paragraphs(20) + b"<script>window.__DATA__=" + json.dumps(
            {"items": ["x" * 90] * (fill // 100)}).encode() + b"</script>" + tail,
        "table of 700k tiny cells": head + _paragraphs(5) + b"<table>" + b"".join(
            b"<tr>" + b"<td>1</td>" * 20 + b"</tr>" for _ in range(fill // 210)) + b"</table>" + tail,
        "120k links in lists": head + _paragraphs(5) + b"<ul>" + b"".join(
            b"<li><a href='/n/%d'>Story %d</a></li>" % (i, i) for i in range(fill // 40)) + b"</ul>" + tail,
        "the AEB page padded with 10 MiB of whitespace":
            page.replace(b"</body>", b" " * (fill - len(page)) + b"</body>"),
    }
    paths = {}
    for i, (name, data) in enumerate(shapes.items()):
        path = folder / f"heavy-{i}.html"
        path.write_bytes(data[:CAP])
        paths[name] = path
    return paths


# A process's max RSS (rusage) starts from the peak RSS of the process it was forked from: Linux
# carries the old memory's peak over exec. Forked from this one, which built 60 MiB of pages,
# every row read at least 116 MiB; a fresh interpreter (~10 MiB) forks each command instead.
LAUNCH = """
import os, sys
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
_, _, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, file=sys.stderr)
"""


def extract_memory() -> None:
    rows = []
    for name, path in heavy_pages(ROOT / "build" / "mem-pages").items():
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-c", LAUNCH, "-m", "crawler.cli", "extract", "-j", "0", str(path),
                               "--url", "https://example.com/news/2024/03/05/big-page"], cwd=ROOT,
                              capture_output=True, check=True)
        maxrss, cpu = done.stderr.split()[-2:]
        line = json.loads(done.stdout.decode("utf-8").splitlines()[0]) if done.stdout.strip() else {}
        outcome = line.get("error") or f"record, {line.get('word_count', 0)} words"
        rows.append((name, path.stat().st_size / 2**20, int(maxrss) / 1024, float(cpu),
                     time.monotonic() - start, outcome[:60]))
    print(f"\none `newscrawl extract -j 0` process per page ({os.cpu_count()} cores)")
    print("| page | MiB | max RSS MiB | CPU s | wall s | outcome |")
    print("|---|---|---|---|---|---|")
    for name, size, rss, cpu, wall, outcome in rows:
        print(f"| {name} | {size:.1f} | {rss:.0f} | {cpu:.1f} | {wall:.1f} | {outcome} |")
    largest = max(r[2] for r in rows)
    print(f"  largest: {largest:.0f} MiB = {largest * 2**20 / 1e6:.0f} MB (target <= 200 MB)")


def run_memory(args: Any, farm_up: Any) -> int:
    articles = args.memory_articles
    farm = ROOT / "build" / f"farm-mem-{args.sites}x{articles}-p{args.port}"
    sites = farm_up(farm, args.sites, articles, 0, args.port)
    result = crawl_memory(sites, ROOT / "build" / "bench-mem.jsonl", 2, marks_for(args.sites * articles))
    subprocess.run(["bash", str(SHARED / "newsfarm" / "serve.sh"), str(farm), "stop"], capture_output=True)
    print_crawl(result, 2)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    extract_memory()
