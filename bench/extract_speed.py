"""Pages per CPU-second: trafilatura alone against `newscrawl extract`, before and after.

    python bench/extract_speed.py [--before REV] [--reps 3] [--limit N] [--no-profile]

Every figure is a whole process, start-up included, run here side by side on the same
pages: the AEB pages (build/aeb, prepared from ../shared/aeb or bench/data/aeb) plus the
WCXB articles (../shared/devsets/wcxb-articles), gzip-compressed or not as they are stored.

trafilatura alone:   trafilatura.extract(with_metadata=True, output_format="json") per page,
                     given its URL, one JSON line each (what ../shared/eval/run_extractor.py
                     runs; trafilatura's own defaults, fallbacks included);
newscrawl (REV):     `newscrawl extract -j 0 PATHS -o FILE` of git revision REV (default
                     main), unpacked under build/speed/REV and run from there;
newscrawl (tree):    the same command of this working tree.
CPU time is user+sys from the process's rusage (wait4), which other load on the machine
disturbs much less than wall time; runs are interleaved, the table shows medians (and the
spread). The outputs of REV and of the tree are compared line by line by input: a speed
change must not change a record. Then the profile split of both (bench/extract_profile.py),
and the wall-clock rate of `-j N` (N = the usable cores) for the tree.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from compare_records import differences, load  # noqa: E402

SHARED = ROOT.parent / "shared"
if not SHARED.exists():  # a worktree elsewhere: the shared data sits next to the main checkout
    SHARED = Path("/work/shared")

TRAFILATURA = r"""
import gzip, json, re, sys
from pathlib import Path
import trafilatura

def text_of(path):
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # as ../shared/eval/run_extractor.py: the first non-UTF-8 <meta> charset
        declared = re.findall(rb'<meta[^>]+charset=["\']?([A-Za-z0-9_-]+)', raw[:100000], re.I)
        other = [d.decode().lower() for d in declared if d.lower().replace(b"_", b"-") not in (b"utf-8", b"utf8")]
        encoding = {"iso-8859-1": "cp1252", "gb2312": "gbk"}.get(other[0], other[0]) if other else "utf-8"
        try:
            return raw.decode(encoding, errors="replace")
        except LookupError:
            return raw.decode("utf-8", errors="replace")

urls = {}
for folder in {Path(p).parent for p in sys.argv[2:]}:
    truth = folder / "truth.jsonl"
    if truth.exists():
        for line in truth.open(encoding="utf-8"):
            t = json.loads(line)
            urls[(folder, str(t["id"]))] = t.get("url")
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for name in sys.argv[2:]:
        path = Path(name)
        page_id = path.name.split(".")[0]
        doc = trafilatura.extract(text_of(path), url=urls.get((path.parent, page_id)), include_comments=False,
                                  with_metadata=True, output_format="json")
        out.write(json.dumps({"input": name, "doc": json.loads(doc) if doc else None}, ensure_ascii=False) + "\n")
"""


def page_sets(limit: int | None) -> list[tuple[str, list[Path]]]:
    aeb = ROOT / "build" / "aeb"
    if not (aeb / "truth.jsonl").exists():
        source = SHARED / "aeb" if (SHARED / "aeb").exists() else ROOT / "bench" / "data" / "aeb"
        evals = SHARED / "eval" if (SHARED / "eval").exists() else ROOT / "bench" / "eval"
        prepare = evals / "prepare.py"
        subprocess.run([sys.executable, str(prepare), str(source), str(aeb)], check=True, stdout=subprocess.DEVNULL)
    sets = [("AEB", sorted(aeb.glob("*.html")))]
    wcxb = SHARED / "devsets" / "wcxb-articles"
    if wcxb.exists():
        sets.append(("WCXB articles", sorted(wcxb.glob("*.html.gz"))))
    else:
        print(f"({wcxb} not found: AEB only)")
    return [(name, files[:limit] if limit else files) for name, files in sets]


def unpack(rev: str) -> Path:
    """The tracked files of a git revision, under build/speed/<commit>."""
    commit = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    target = ROOT / "build" / "speed" / commit[:12]
    if not (target / "crawler").exists():
        data = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            archive.extractall(target, filter="data")
    return target


def run_process(argv: list[str], cwd: Path) -> dict[str, float]:
    """Run to the end; CPU seconds (user+sys), wall seconds and max RSS of that process."""
    env = dict(os.environ, PYTHONPATH=str(cwd))
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    if proc.returncode not in (0, 1):  # 1: some inputs gave no article
        raise SystemExit(f"{argv[:4]}... exited with {proc.returncode}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rss_mib": usage.ru_maxrss / 1024}


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def profile(code: Path, paths: list[Path]) -> dict[str, Any]:
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]); import extract_profile as p; "
              "pages, total, rows, missing = p.split(sys.argv[2:]); "
              "print(json.dumps({'pages': pages, 'total': total, 'rows': rows, 'missing': missing}))")
    out = subprocess.run([sys.executable, "-c", script, str(ROOT / "bench"), *map(str, paths)], cwd=code,
                         env=dict(os.environ, PYTHONPATH=str(code)), check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_profiles(before: dict[str, Any], after: dict[str, Any], before_name: str) -> None:
    b_rows = {stage: seconds for stage, seconds, _ in before["rows"]}
    pages = after["pages"]
    print(f"\nprofile split, {pages} pages, in one process, exclusive CPU time per stage (ms per page)")
    print(f"  {'stage':<38} {before_name:>14} {'this tree':>10} {'share':>6}")
    for stage, seconds, _ in after["rows"]:
        old = b_rows.pop(stage, None)
        old_text = f"{old / pages * 1000:.2f}" if old is not None else "-"
        print(f"  {stage:<38} {old_text:>14} {seconds / pages * 1000:10.2f} {seconds / after['total']:6.1%}")
    for stage, seconds in b_rows.items():
        print(f"  {stage:<38} {seconds / pages * 1000:14.2f} {'-':>10}")
    print(f"  {'total':<38} {before['total'] / pages * 1000:14.2f} {after['total'] / pages * 1000:10.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="main", help="git revision to compare with (default main)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--limit", type=int, help="only the first N pages of each set (quick checks)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()

    sets = page_sets(args.limit)
    paths = [p for _, files in sets for p in files]
    out_dir = ROOT / "build" / "speed" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    before_code = unpack(args.before)
    runners: dict[str, tuple[list[str], Path]] = {
        "trafilatura alone": ([sys.executable, "-c", TRAFILATURA, str(out_dir / "trafilatura.jsonl"),
                               *map(str, paths)], ROOT),
        f"newscrawl extract -j 0 ({args.before})": (
            [sys.executable, "-m", "crawler.cli", "extract", "-j", "0", *map(str, paths), "-o",
             str(out_dir / "before.jsonl")], before_code),
        "newscrawl extract -j 0 (this tree)": (
            [sys.executable, "-m", "crawler.cli", "extract", "-j", "0", *map(str, paths), "-o",
             str(out_dir / "after.jsonl")], ROOT),
    }
    print(f"{' + '.join(f'{name} {len(files)}' for name, files in sets)} = {len(paths)} pages; "
          f"{args.reps} interleaved reps; {machine_load()}")
    results: dict[str, list[dict[str, float]]] = {name: [] for name in runners}
    for _ in range(args.reps):
        for name, (argv, cwd) in runners.items():
            results[name].append(run_process(argv, cwd))
    base = statistics.median(r["cpu"] for r in results["trafilatura alone"])
    print(f"\n  {'':<44} {'CPU s':>7} {'(min-max)':>13} {'pages/CPU-s':>11} {'x trafilatura':>13} {'max RSS MiB':>11}")
    for name, runs in results.items():
        cpu = statistics.median(r["cpu"] for r in runs)
        spread = f"({min(r['cpu'] for r in runs):.1f}-{max(r['cpu'] for r in runs):.1f})"
        rss = max(r["rss_mib"] for r in runs)
        print(f"  {name:<44} {cpu:7.1f} {spread:>13} {len(paths) / cpu:11.1f} {base / cpu:13.2f} {rss:11.0f}")
    diffs = differences(load(out_dir / "before.jsonl"), load(out_dir / "after.jsonl"), set())
    changed = sorted({d.split(": ", 1)[0] for d in diffs})
    print(f"\n  records of {args.before} and of this tree: "
          + ("identical" if not diffs else f"{len(changed)} inputs differ (bench/compare_records.py "
                                          f"{out_dir / 'before.jsonl'} {out_dir / 'after.jsonl'})"))
    if args.jobs > 1:
        wall = run_process([sys.executable, "-m", "crawler.cli", "extract", "-j", str(args.jobs), *map(str, paths),
                            "-o", str(out_dir / "parallel.jsonl")], ROOT)["wall"]
        print(f"  this tree, -j {args.jobs}, wall clock: {len(paths) / wall:.1f} pages/s ({wall:.1f} s)")
    if not args.no_profile:
        print_profiles(profile(before_code, paths), profile(ROOT, paths), args.before)
    print(f"\n{machine_load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
