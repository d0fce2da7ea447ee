#!/usr/bin/env python3
"""Quality gate: extraction quality and speed against pinned floors; exit 1 below any floor.

    python bench/quality_gate.py [--floors bench/quality_floors.json] [--out build/quality]

Scores (a few minutes on two cores):
  * aeb       body F1 on the AEB (bench/data/aeb, prepared into build/aeb first if missing)
              with the benchmark's own metric (bench/eval/metric.py), pages read as
              `newscrawl extract PAGE` reads them; and the speed: pages per CPU-second of
              process_page (time.process_time, after a warm-up run, best of 3), and its ratio
              to trafilatura's own on the same pages in the same run (less sensitive to load);
  * profiles  every site-profile fixture (tests/fixtures/profiles): title, authors,
              published_at with its offset, lead, first sentence, no boilerplate line;
              and the not-an-article fixtures refused with their reason;
  * metadata  the hand-labelled pages of bench/metadata_truth.jsonl: title exact, author
              set F1, date to the day, to the minute, to the minute with the offset;
  * devsets   the held-out halves of three public dev sets (bench/data/devsets), page by page
              against trafilatura's own output on the same pages (bench/devsets_gate.py): body
              or snippet F1, title, authors, day, instant+offset. Besides the floors, the gate
              fails when a set's F1 is below trafilatura's, when more than 1% of a set's pages
              (AEB's too) lose to trafilatura by more than 0.2 F1, or when the mean F1 of any
              language with 5 pages or more is more than 0.05 below trafilatura's.
Per-page scores go to OUT/{aeb,profiles,metadata}.jsonl so errors can be studied.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "bench" / "eval"  # vendored copies of ../shared/eval (see bench/eval/README.md)
AEB = ROOT / "bench" / "data" / "aeb"
PROFILE_FIXTURES = ROOT / "tests" / "fixtures" / "profiles"  # crawler/sitefixtures.py reads them
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(EVAL))
sys.path.insert(0, str(ROOT / "bench"))

import devsets_gate  # noqa: E402
import metadata_eval  # noqa: E402
import metric  # type: ignore[import-not-found]  # noqa: E402  (bench/eval)

from crawler.items import RawPage  # noqa: E402
from crawler.sitefixtures import field_mismatches, load_site_fixtures, run_fixture  # noqa: E402
from pipelines.errors import PageRejected  # noqa: E402
from pipelines.extraction.document import decode_html  # noqa: E402
from pipelines.process import process_page  # noqa: E402

FETCHED_AT = "2026-01-01T00:00:00+00:00"
MAX_LOST_SHARE = 0.01  # of a set's pages may lose to trafilatura by more than 0.2 F1
PROBLEMS: list[str] = []  # failures against trafilatura, besides the floors


def ensure_aeb(data_dir: Path) -> None:
    if (data_dir / "truth.jsonl").exists():
        return
    subprocess.run([sys.executable, str(EVAL / "prepare.py"), str(AEB), str(data_dir)],
                   check=True)


def _extract_all(pages: list[RawPage]) -> list[dict[str, Any]]:
    out = []
    for page in pages:
        try:
            out.append(process_page(page).to_dict())
        except PageRejected as exc:
            out.append({"error": f"{exc.reason}: {exc.detail}", "text": ""})
    return out


def _trafilatura_all(pages: list[RawPage]) -> None:
    """trafilatura alone on the same pages, as the evaluation runs it (with its metadata)."""
    import trafilatura

    for page in pages:
        trafilatura.extract(page.html, url=page.url, include_comments=False, with_metadata=True, output_format="json")


def score_aeb(data_dir: Path, out_dir: Path) -> dict[str, float]:
    truth = [json.loads(line) for line in (data_dir / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    pages = []
    for t in truth:  # as `newscrawl extract PAGE` reads a saved page: a file URL, canonical from the page
        path = (data_dir / f"{t['id']}.html").resolve()
        pages.append(RawPage(url=path.as_uri(), html=decode_html(path.read_bytes()), fetched_at=FETCHED_AT))
    records = _extract_all(pages)  # also the warm-up: imports, dateparser and langid models
    runs, reference_runs = [], []
    for _ in range(3):  # interleaved, so both see the same load on the machine
        start = time.process_time()
        _extract_all(pages)
        runs.append(time.process_time() - start)
        start = time.process_time()
        _trafilatura_all(pages)
        reference_runs.append(time.process_time() - start)
    versus, _ = devsets_gate.compare(data_dir, {t["id"]: r for t, r in zip(truth, records, strict=True)},
                                     ROOT / "bench" / "data" / "aeb-trafilatura.jsonl")
    PROBLEMS.extend(devsets_gate.failures("aeb", versus, MAX_LOST_SHARE))
    pairs = [(t["body"] or "", r.get("text") or "") for t, r in zip(truth, records, strict=True)]
    body = metric.body_scores(pairs, 200)
    with open(out_dir / "aeb.jsonl", "w", encoding="utf-8") as f:
        for t, r, (tp, fp, fn) in zip(truth, records, body.pop("per_doc"), strict=True):
            f1 = round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else None
            f.write(json.dumps({"id": t["id"], "url": t["url"], "body_f1": f1, "error": r.get("error")}) + "\n")
    return {"aeb_body_f1": body["f1"], "aeb_body_precision": body["precision"], "aeb_body_recall": body["recall"],
            "aeb_lost_share": versus["lost_share"], "aeb_trafilatura_body_f1": versus["trafilatura_text_f1"],
            "speed_pages_per_cpu_second": len(pages) / min(runs),
            "speed_vs_trafilatura": min(reference_runs) / min(runs)}


def score_devsets(out_dir: Path) -> dict[str, float]:
    results = {}
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        for name in devsets_gate.SETS:
            summary, rows = devsets_gate.run_set(devsets_gate.DATA / name, pool)
            results[name] = summary
            PROBLEMS.extend(devsets_gate.failures(name, summary, MAX_LOST_SHARE))
            with open(out_dir / f"devsets-{name}.jsonl", "w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    devsets_gate.print_table(results)
    scores = {}
    for name, summary in results.items():
        key = name.split("-")[0]
        for measure in ("text_f1", "title_exact", "authors_f1", "date_day", "date_minute+tz", "lost_share"):
            if summary.get(measure) is not None:
                scores[f"{key}_{measure}"] = summary[measure]
    return scores


def score_profiles(out_dir: Path) -> dict[str, float]:
    rows, fields_ok, fields_total = [], 0, 0
    for fx in load_site_fixtures(PROFILE_FIXTURES):
        try:
            record = run_fixture(fx)
            bad = field_mismatches(fx, record)
        except PageRejected as exc:
            record, bad = {"error": f"{exc.reason}: {exc.detail}"}, ["rejected"]
        fields_total += 6
        fields_ok += 6 - len(bad)
        rows.append({"fixture": fx.name, "ok": not bad, "wrong": bad,
                     "published_at": record.get("published_at"), "error": record.get("error")})
    rejected = []
    for fx in load_site_fixtures(PROFILE_FIXTURES, "rejected"):
        try:
            run_fixture(fx)
            reason = None
        except PageRejected as exc:
            reason = exc.reason
        rejected.append({"fixture": f"_rejected/{fx.slug}", "ok": reason == fx.expected["reason"],
                         "reason": reason, "want": fx.expected["reason"]})
    with open(out_dir / "profiles.jsonl", "w", encoding="utf-8") as f:
        for row in rows + rejected:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {"profile_fixtures_pass": sum(r["ok"] for r in rows) / len(rows),
            "profile_fields_pass": fields_ok / fields_total,
            "rejected_fixtures_pass": sum(r["ok"] for r in rejected) / len(rejected) if rejected else 1.0}


def score_metadata(data_dir: Path, out_dir: Path) -> dict[str, float]:
    summary, per_page = metadata_eval.evaluate(ROOT / "bench" / "metadata_truth.jsonl", data_dir)
    with open(out_dir / "metadata.jsonl", "w", encoding="utf-8") as f:
        for doc in per_page:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return {"metadata_title_exact": summary["title_exact"]["mean"],
            "metadata_authors_f1": summary["authors_f1"]["mean"],
            "metadata_date_day": summary["date_day"]["mean"],
            "metadata_date_minute": summary["date_minute"]["mean"],
            "metadata_date_minute_offset": summary["date_minute+tz"]["mean"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--floors", type=Path, default=ROOT / "bench" / "quality_floors.json")
    ap.add_argument("--data", type=Path, default=ROOT / "build" / "aeb")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "quality")
    args = ap.parse_args()
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    ensure_aeb(args.data)
    scores = {**score_profiles(args.out), **score_metadata(args.data, args.out), **score_aeb(args.data, args.out),
              **score_devsets(args.out)}
    floors = json.loads(args.floors.read_text(encoding="utf-8"))
    failed = []
    print(f"{'measure':32} {'score':>8} {'floor':>8}")
    for name, value in scores.items():
        floor = floors.get(name)
        mark = ""
        if floor is not None and (value is None or value < floor):
            failed.append(name)
            mark = "  BELOW FLOOR"
        floor_text = f"{floor:8.3f}" if floor is not None else f"{'-':>8}"
        print(f"{name:32} {value:8.3f} {floor_text}{mark}")
    (args.out / "summary.json").write_text(json.dumps({"scores": scores, "floors": floors, "failed": failed,
                                                       "against_trafilatura": PROBLEMS},
                                                      indent=1), encoding="utf-8")
    print(f"per-page scores in {args.out}/ ({time.perf_counter() - started:.0f} s)")
    for problem in PROBLEMS:
        print(f"against trafilatura: {problem}", file=sys.stderr)
    if failed or PROBLEMS:
        print(f"quality gate FAILED: {', '.join(failed + ['against trafilatura'] * bool(PROBLEMS))}",
              file=sys.stderr)
        return 1
    print("quality gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
