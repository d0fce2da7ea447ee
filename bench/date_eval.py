#!/usr/bin/env python3
"""Score publication dates alone, in process and fast: parse -> structured data -> date
candidates -> the date choice, without body extraction.

    python bench/date_eval.py DATA_DIR [DATA_DIR ...] [--lang-from RUN.jsonl ...] [--per-doc OUT.jsonl]
        [--with-url] [--vs PRED.jsonl ...]

DATA_DIR is a score.py folder (truth.jsonl + <id>.html[.gz]). The page is read as
`newscrawl extract` reads a saved file: no URL but the file's (the page's canonical or
og:url stands for it) unless --with-url, fetched_at = the file's mtime. The page language
(which steers month words, day-first order and the assumed timezone) comes from a saved
newscrawl run given by --lang-from when it has the page, else from the text of the page's
paragraphs. Levels are score.py's: day, minute, minute+tz; `undated ok` counts truth-null
pages of sets where null means "the page has no date" (vn-html) that stayed null.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "eval"))  # vendored copy of ../shared/eval

from score import date_checks  # type: ignore[import-not-found]  # noqa: E402

from crawler.items import ExtractedArticle  # noqa: E402
from pipelines.errors import PageRejected  # noqa: E402
from pipelines.extraction.datefinder import declared_locale, find_dates  # noqa: E402
from pipelines.extraction.document import decode_html, parse_html  # noqa: E402
from pipelines.extraction.metadata import _canonical  # noqa: E402
from pipelines.extraction.structured import read_structured  # noqa: E402
from pipelines.normalization.language import detect_language  # noqa: E402
from pipelines.normalize import choose_dates, date_context  # noqa: E402

LEVELS = ("day", "minute", "minute+tz")


def page_file(data_dir: Path, page_id: str) -> Path:
    for name in (f"{page_id}.html", f"{page_id}.html.gz", page_id):
        if (data_dir / name).exists():
            return data_dir / name
    raise FileNotFoundError(page_id)


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def page_language(tree: Any, declared: str | None) -> str | None:
    text = " ".join(" ".join(p.text_content().split()) for p in tree.iter("p"))[:3000]
    title = tree.findtext(".//title") or ""
    return detect_language(f"{title}\n{text}", declared)


def date_of(path: Path, url: str | None, language: str | None) -> dict[str, Any]:
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    page_url = url or path.resolve().as_uri()
    try:
        tree = parse_html(decode_html(read_bytes(path)))
    except PageRejected as exc:
        return {"error": exc.reason}
    data = read_structured(tree)
    canonical = _canonical(tree, data, page_url)
    candidates = find_dates(tree, data, canonical or page_url, None)
    declared = tree.get("lang") or tree.get("xml:lang")
    declared = declared.split("-")[0].lower() if declared else None
    if language is None:
        language = page_language(tree, declared)
    article = ExtractedArticle(url=canonical or page_url, fetched_url=page_url, fetched_at=fetched_at,
                               dates=candidates, html_lang=declared_locale(tree, data) or declared)
    published, _ = choose_dates(candidates, date_context(article, None, language))
    return {"published": published[1].isoformat() if published else None,
            "source": published[0].source if published else None,
            "raw": published[0].raw if published else None,
            "tz_assumed": bool(published and published[1].tz_assumed), "language": language,
            "candidates": [[c.source, c.kind, c.raw[:80]] for c in candidates]}


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def evaluate(data_dir: Path, languages: dict[str, str], with_url: bool,
             others: list[dict[str, dict[str, Any]]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    truth = load_jsonl(data_dir / "truth.jsonl")
    undated_means_none = data_dir.resolve().name == "vn-html"
    counts: dict[str, list[int]] = {level: [0, 0] for level in (*LEVELS, "undated ok")}
    other_counts = [{level: [0, 0] for level in LEVELS} for _ in others]
    docs = []
    start = time.process_time()
    for row in truth:
        page_id = row.get("id") or row["file"]
        path = page_file(data_dir, page_id)
        key = path.name.removesuffix(".gz").removesuffix(".html")
        pred = date_of(path, row.get("url") if with_url else None, languages.get(key))
        checks = date_checks(row.get("published"), pred.get("published"))
        if row.get("published") is None and undated_means_none:
            checks["undated ok"] = pred.get("published") is None
        for level, ok in checks.items():
            counts[level][0] += ok
            counts[level][1] += 1
        for other, tally in zip(others, other_counts, strict=False):
            for level, ok in date_checks(row.get("published"), (other.get(key) or {}).get("published")).items():
                tally[level][0] += ok
                tally[level][1] += 1
        docs.append({"id": key, "truth": row.get("published"), **{f"ok_{k}": v for k, v in checks.items()}, **pred})
    cpu = time.process_time() - start
    summary = {"set": str(data_dir), "pages": len(truth), "cpu_s": round(cpu, 2),
               **{level: (round(ok / n, 3) if n else None, n) for level, (ok, n) in counts.items()},
               "vs": [{level: (round(ok / n, 3) if n else None, n) for level, (ok, n) in tally.items()}
                      for tally in other_counts]}
    return summary, docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dirs", type=Path, nargs="+")
    parser.add_argument("--lang-from", type=Path, action="append", default=[],
                        help="a saved newscrawl run (JSON lines with id/input and language)")
    parser.add_argument("--vs", type=Path, action="append", default=[], help="other predictions, scored alongside")
    parser.add_argument("--with-url", action="store_true", help="give the truth's URL, as `extract --url` does")
    parser.add_argument("--per-doc", type=Path)
    args = parser.parse_args()
    languages: dict[str, str] = {}
    for run in args.lang_from:
        for rec in load_jsonl(run):
            key = rec.get("id") or Path(rec.get("input") or "").name.removesuffix(".gz").removesuffix(".html")
            if key and rec.get("language"):
                languages[key] = rec["language"]
    others = [{rec["id"]: rec for rec in load_jsonl(p)} for p in args.vs]
    all_docs = []
    for data_dir in args.data_dirs:
        summary, docs = evaluate(data_dir, languages, args.with_url, others)
        all_docs += [{"set": data_dir.name, **d} for d in docs]
        line = "  ".join(f"{level} {v[0]} (n={v[1]})" for level in (*LEVELS, "undated ok")
                         if (v := summary[level])[1])
        print(f"{data_dir.name:<28} {line}  cpu {summary['cpu_s']}s")
        for path, vs in zip(args.vs, summary["vs"], strict=False):
            print(f"{'  vs ' + path.name:<28} " + "  ".join(f"{lv} {v[0]} (n={v[1]})" for lv, v in vs.items() if v[1]))
    if args.per_doc:
        args.per_doc.parent.mkdir(parents=True, exist_ok=True)
        with args.per_doc.open("w", encoding="utf-8") as handle:
            for doc in all_docs:
                handle.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
