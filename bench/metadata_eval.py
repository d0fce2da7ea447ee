#!/usr/bin/env python3
"""Score title, authors and publication date on hand-labelled real pages.

    python bench/metadata_eval.py [--truth bench/metadata_truth.jsonl] [--pages build/aeb] [--per-page OUT.jsonl]

bench/metadata_truth.jsonl holds one hand-labelled page of the Article Extraction
Benchmark per line: the headline as the page shows it, the byline's person names and
the publication time with the offset the page states (`time_known` / `offset_known`
say how much of it the page states), with a note on the evidence. The pages come
from ../shared/aeb (prepared into build/aeb by ../shared/eval/prepare.py).

Metrics are ../shared/eval/score.py's: title exact after NFKC, case folding and
whitespace collapsing; author-set F1 (an empty truth counts: only an empty answer
scores 1); date right to the day, to the local minute where the page states a
time, and to the minute with an offset where the page states one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "eval"))  # vendored copy of ../shared/eval

from score import author_set, date_checks, norm_text, set_f1  # type: ignore[import-not-found]  # noqa: E402

from crawler.items import RawPage  # noqa: E402
from pipelines.errors import PageRejected  # noqa: E402
from pipelines.extraction.document import decode_html  # noqa: E402
from pipelines.process import process_page  # noqa: E402

FETCHED_AT = "2026-01-01T00:00:00+00:00"  # after every labelled page; relative dates are not labelled
LEVELS = ("day", "minute", "minute+tz")


def load_truth(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def extract(page: Path, url: str) -> dict[str, Any]:
    html = decode_html(page.read_bytes())
    try:
        return process_page(RawPage(url=url, html=html, fetched_at=FETCHED_AT)).to_dict()
    except PageRejected as exc:
        return {"error": f"{exc.reason}: {exc.detail}"}


def score_page(truth: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": truth["id"], "url": truth["url"]}
    doc["title_ok"] = norm_text(record.get("title")) == norm_text(truth["title"])
    doc["authors_f1"] = set_f1(author_set(truth["authors"]), author_set(record.get("authors")))
    for level, ok in date_checks(truth.get("published"), record.get("published_at")).items():
        doc["date_" + level] = ok
    if truth.get("published") is None:
        doc["date_none_ok"] = record.get("published_at") is None  # no date on the page: none invented
    doc.update(pred_title=record.get("title"), pred_authors=record.get("authors"),
               pred_published=record.get("published_at"), error=record.get("error"),
               true_title=truth["title"], true_authors=truth["authors"], true_published=truth.get("published"))
    return doc


def summarize(per_page: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(key: str) -> dict[str, Any]:
        values = [float(d[key]) for d in per_page if key in d]
        return {"mean": statistics.mean(values) if values else None, "n": len(values)}

    return {"pages": len(per_page), "title_exact": mean("title_ok"), "authors_f1": mean("authors_f1"),
            **{f"date_{level}": mean(f"date_{level}") for level in LEVELS}}


def evaluate(truth_path: Path, pages_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    per_page = [score_page(t, extract(pages_dir / f"{t['id']}.html", t["url"])) for t in load_truth(truth_path)]
    return summarize(per_page), per_page


def report(summary: dict[str, Any]) -> str:
    def fmt(entry: dict[str, Any]) -> str:
        return "n/a" if entry["mean"] is None else f"{entry['mean']:.3f} (n={entry['n']})"

    return (f"pages {summary['pages']}\n"
            f"title    exact {fmt(summary['title_exact'])}\n"
            f"authors  set F1 {fmt(summary['authors_f1'])}\n"
            f"date     day {fmt(summary['date_day'])}   minute {fmt(summary['date_minute'])}   "
            f"minute+offset {fmt(summary['date_minute+tz'])}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", type=Path, default=ROOT / "bench" / "metadata_truth.jsonl")
    ap.add_argument("--pages", type=Path, default=ROOT / "build" / "aeb")
    ap.add_argument("--per-page", type=Path, help="write per-page scores as JSON lines")
    ap.add_argument("--errors", action="store_true", help="print the pages with a wrong field")
    args = ap.parse_args()
    if not (args.pages / "truth.jsonl").exists():
        print(f"{args.pages}: not prepared; run ../shared/eval/prepare.py ../shared/aeb {args.pages}", file=sys.stderr)
        return 2
    summary, per_page = evaluate(args.truth, args.pages)
    print(report(summary))
    if args.per_page:
        args.per_page.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in per_page), encoding="utf-8")
    if args.errors:
        for d in per_page:
            wrong = [k for k in ("title_ok", "authors_f1", *(f"date_{lv}" for lv in LEVELS), "date_none_ok")
                     if k in d and d[k] is not True and d[k] != 1.0]
            if wrong:
                print(f"\n{d['id'][:12]} {d['url']}\n  wrong: {wrong}")
                for field in ("title", "authors", "published"):
                    if d[f"true_{field}"] != d[f"pred_{field}"]:
                        pad = " " * len(field)
                        print(f"  {field}: want {d[f'true_{field}']!r}\n  {pad}   got {d[f'pred_{field}']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
