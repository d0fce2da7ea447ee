#!/usr/bin/env python3
"""Authors set F1 on prepared evaluation sets, in process, side by side with a reference run.

    python bench/author_eval.py DATA_DIR [DATA_DIR ...] [--vs REF.jsonl ...] [--losses N]
                                [--truth TRUTH.jsonl] [--cache DIR] [--url]

Every DATA_DIR is a folder `../shared/eval/score.py` reads (truth.jsonl plus `<id>.html[.gz]`);
only pages whose truth lists authors count (an empty list counts: then only an empty answer
scores 1). Each page runs through `process_page` as `newscrawl extract` runs it (a file URL,
no page URL, unless `--url` passes the truth's `url`), and is scored with score.py's own
`author_set` and `set_f1`. `--vs` gives a reference run's predictions for the same set (one
JSONL per DATA_DIR, in the same order, e.g. trafilatura's): its mean on the same pages, the
pages won and lost, and with `--losses N` the N pages we lose by the most, with truth, ours
and theirs, to read.

`--cache DIR` keeps the body text trafilatura gives for each page (keyed by the page bytes
and the source of the body modules), so that a rerun after a change to the author rules
costs the metadata reading only.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "eval"))  # vendored copy of ../shared/eval

from score import author_set, set_f1  # type: ignore[import-not-found]  # noqa: E402

from crawler.items import RawPage  # noqa: E402
from pipelines.errors import PageRejected  # noqa: E402
from pipelines.extraction import body as body_mod  # noqa: E402
from pipelines.extraction.document import decode_html  # noqa: E402
from pipelines.process import process_page  # noqa: E402

FETCHED_AT = "2026-01-01T00:00:00+00:00"
_BODY_SOURCES = ("body.py", "fallback.py", "signals.py", "boilerplate.py")


def load_truth(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:  # not splitlines(): bodies hold U+2028
        rows = [json.loads(line) for line in handle if line.strip()]
    for row in rows:  # ../shared/vn-html's own schema: `file` and one `author` string
        if "id" not in row and "file" in row:
            row["id"] = row["file"].removesuffix(".html")
            row["authors"] = [row["author"]] if row.get("author") else []
    return [row for row in rows if row.get("authors") is not None]


def page_bytes(data_dir: Path, page_id: str) -> bytes | None:
    for suffix in (".html", ".html.gz"):
        path = data_dir / f"{page_id}{suffix}"
        if path.exists():
            data = path.read_bytes()
            return gzip.decompress(data) if suffix.endswith(".gz") else data
    return None


class BodyCache:
    """trafilatura's body text per page, on disk; keyed by page and body-module source."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.key = b""
        self.store: dict[str, str] = {}
        if folder is None:
            return
        src = Path(body_mod.__file__).parent
        self.key = b"".join((src / name).read_bytes() for name in _BODY_SOURCES if (src / name).exists())
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"body-{hashlib.sha1(self.key).hexdigest()[:12]}.json"
        if self.path.exists():
            self.store = json.loads(self.path.read_text(encoding="utf-8"))

    def wrap(self, page_key: str) -> Callable[..., str]:
        original = _ORIGINAL_EXTRACT

        def cached(*args: Any, **kwargs: Any) -> str:
            if self.folder is None:
                return original(*args, **kwargs)
            if page_key not in self.store:
                self.store[page_key] = original(*args, **kwargs)
            return self.store[page_key]
        return cached

    def save(self) -> None:
        if self.folder is not None:
            self.path.write_text(json.dumps(self.store, ensure_ascii=False), encoding="utf-8")


_ORIGINAL_EXTRACT = body_mod.extract_body


def extract(data: bytes, url: str, cache: BodyCache, page_key: str) -> dict[str, Any]:
    body_mod.extract_body = cache.wrap(page_key)  # type: ignore[assignment]
    try:
        record = process_page(RawPage(url=url, html=decode_html(data), fetched_at=FETCHED_AT)).to_dict()
        return record
    except PageRejected as exc:
        return {"error": f"{exc.reason}: {exc.detail}"}
    finally:
        body_mod.extract_body = _ORIGINAL_EXTRACT  # type: ignore[assignment]


def evaluate(data_dir: Path, truth_path: Path | None, ref: Path | None, cache: BodyCache, use_url: bool
             ) -> list[dict[str, Any]]:
    truth = load_truth(truth_path or data_dir / "truth.jsonl")
    refs: dict[str, Any] = {}
    if ref is not None:
        with ref.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    rec = json.loads(line)
                    refs[str(rec.get("id"))] = rec
    docs = []
    for row in truth:
        data = page_bytes(data_dir, row["id"])
        if data is None:
            continue
        url = row.get("url") if use_url and row.get("url") else None
        url = url or (data_dir / f"{row['id']}.html").resolve().as_uri()
        page_key = hashlib.sha1(data).hexdigest() + ("u" if use_url else "")
        rec = extract(data, url, cache, page_key)
        truth_set = author_set(row["authors"])
        doc = {"id": row["id"], "truth": row["authors"], "ours": rec.get("authors") or [],
               "credit": rec.get("source_credit"), "f1": set_f1(truth_set, author_set(rec.get("authors"))),
               "error": rec.get("error")}
        if ref is not None:
            theirs = refs.get(row["id"], {}).get("authors")
            doc["theirs"] = theirs
            doc["ref_f1"] = set_f1(truth_set, author_set(theirs))
        docs.append(doc)
    return docs


def report(name: str, docs: list[dict[str, Any]], losses: int) -> None:
    if not docs:
        print(f"{name}: no page with authors")
        return
    ours = statistics.mean(d["f1"] for d in docs)
    line = f"{name}: authors F1 {ours:.3f} (n={len(docs)})"
    credits = sum(1 for d in docs if d["credit"])
    if "ref_f1" in docs[0]:
        ref = statistics.mean(d["ref_f1"] for d in docs)
        won = sum(d["f1"] > d["ref_f1"] for d in docs)
        lost = sum(d["f1"] < d["ref_f1"] for d in docs)
        line += f"   reference {ref:.3f}   won {won} lost {lost}"
    print(line + f"   source_credit on {credits} pages")
    if losses:
        key = (lambda d: d["f1"] - d["ref_f1"]) if "ref_f1" in docs[0] else (lambda d: d["f1"])
        for d in sorted(docs, key=key)[:losses]:
            if key(d) >= 0 and "ref_f1" in d:
                break
            theirs = f"  theirs={d['theirs']}" if "theirs" in d else ""
            print(f"  {d['id']}  truth={d['truth']}  ours={d['ours']}{theirs}  credit={d['credit']}"
                  + (f"  ({d['error']})" if d["error"] else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", type=Path)
    ap.add_argument("--vs", nargs="*", type=Path, default=[], help="reference predictions, one per DATA_DIR")
    ap.add_argument("--truth", type=Path, help="truth for a single DATA_DIR (bench/metadata_truth.jsonl)")
    ap.add_argument("--losses", type=int, default=0, help="list the N pages lost by the most")
    ap.add_argument("--cache", type=Path, help="folder for cached body texts")
    ap.add_argument("--url", action="store_true", help="pass the truth's page URL (as a crawl knows it)")
    ap.add_argument("--save", type=Path, help="per-page results as JSONL")
    args = ap.parse_args()
    cache = BodyCache(args.cache)
    saved = []
    for i, data_dir in enumerate(args.data):
        ref = args.vs[i] if i < len(args.vs) else None
        docs = evaluate(data_dir, args.truth if len(args.data) == 1 else None, ref, cache, args.url)
        report(data_dir.name, docs, args.losses)
        saved += [{"set": data_dir.name, **d} for d in docs]
    cache.save()
    if args.save:
        lines = (json.dumps(d, ensure_ascii=False) + "\n" for d in saved)
        args.save.write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
