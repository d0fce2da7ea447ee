#!/usr/bin/env python3
"""Title exact match, fast: only the steps that choose the title, in process.

    python bench/title_eval.py [SET ...] [--half tune|heldout|all] [--fails OUT.jsonl] [--show N]

SET is one of `wcxb`, `traf` (../shared/devsets), `aeb` (bench/metadata_truth.jsonl over the
AEB pages prepared into build/aeb), `vn` (../shared/vn-html), `profiles`
(tests/fixtures/profiles); default all. Each page goes through parse_html -> read_structured
-> read_facts -> choose_title (plus the site profile's title xpath where one applies) and is
scored as ../shared/eval/score.py scores titles: NFKC, case folding, whitespace collapsed.
Pages the full extractor refuses as non-articles still get a title here, so figures can be a
little above score.py's. The devsets run without the page URL, as `score.py --cmd` does; the
hand-labelled sets with it, as their own tests do.

`--half` keeps one half of bench/devsplit.py's split (by page id); the report always gives
both halves separately. `--fails` writes every miss (truth, ours) as JSON lines.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent.parent / "shared" if (ROOT.parent.parent / "shared").is_dir() else ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "eval"))  # vendored copy of ../shared/eval

from devsplit import half_of  # type: ignore[import-not-found]  # noqa: E402
from score import norm_text  # type: ignore[import-not-found]  # noqa: E402

from crawler.items import RawPage  # noqa: E402
from pipelines.errors import PageRejected  # noqa: E402
from pipelines.extract import resolve_profile  # noqa: E402
from pipelines.extraction.document import decode_html, parse_html  # noqa: E402
from pipelines.extraction.metadata import read_facts  # noqa: E402
from pipelines.extraction.structured import read_structured, unescape_twice_escaped  # noqa: E402
from pipelines.extraction.titles import choose_title  # noqa: E402
from pipelines.normalization.text import clean_inline  # noqa: E402

Page = dict[str, Any]  # id, url, html (bytes), title (truth), use_url, profile


def _read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _dataset(folder: Path, truth: Path | None = None, use_url: bool = False) -> Iterator[Page]:
    for line in (truth or folder / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
        row = json.loads(line) if line.strip() else None
        if not row or row.get("title") is None:
            continue
        path = next((p for p in (folder / f"{row['id']}.html.gz", folder / f"{row['id']}.html") if p.exists()), None)
        if path is not None:
            yield {"id": row["id"], "url": row.get("url"), "html": _read(path), "title": row["title"],
                   "use_url": use_url}


def _vn() -> Iterator[Page]:
    folder = SHARED / "vn-html"
    for line in (folder / "truth.jsonl").read_text(encoding="utf-8").split("\n"):
        if line.strip():
            row = json.loads(line)
            yield {"id": row["file"], "url": row["url"], "html": (folder / row["file"]).read_bytes(),
                   "title": row["title"], "use_url": True}


def _profiles() -> Iterator[Page]:
    folder = ROOT / "tests" / "fixtures" / "profiles"
    for site in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "_rejected"):
        for slug, meta in sorted(json.loads((site / "meta.json").read_text(encoding="utf-8")).items()):
            expected = json.loads((site / f"{slug}.json").read_text(encoding="utf-8"))
            yield {"id": f"{site.name}/{slug}", "url": meta["url"], "html": _read(site / f"{slug}.html.gz"),
                   "title": expected["title"], "use_url": True}


def _aeb() -> Iterator[Page]:
    pages = ROOT / "build" / "aeb"
    if not pages.is_dir():
        sys.exit(f"prepare the AEB pages first: python {SHARED}/eval/prepare.py {SHARED}/aeb build/aeb")
    return _dataset(pages, ROOT / "bench" / "metadata_truth.jsonl", use_url=True)


SETS = {
    "wcxb": lambda: _dataset(SHARED / "devsets" / "wcxb-articles"),
    "traf": lambda: _dataset(SHARED / "devsets" / "trafilatura-eval"),
    "aeb": _aeb,
    "vn": _vn,
    "profiles": _profiles,
}


def title_of(page: Page) -> str | None:
    """The title the extractor would give this page (None when parsing refuses it)."""
    url = page["url"] if page["use_url"] else None
    try:
        tree = parse_html(decode_html(page["html"]))
    except PageRejected:
        return None
    profile = resolve_profile(RawPage(url=url or "", html="", fetched_at="")) if url else None
    data = read_structured(tree)
    facts = read_facts(tree, data, url, profile.author_xpath if profile else None)
    title = choose_title(tree, data, facts.site_names, profile.title_xpath if profile else None)
    return clean_inline(unescape_twice_escaped(title) if title else title)


def evaluate(name: str, half: str) -> list[dict[str, Any]]:
    rows = []
    for page in SETS[name]():
        if half != "all" and half_of(page["id"]) != half:
            continue
        ours = title_of(page)
        rows.append({"set": name, "id": page["id"], "half": half_of(page["id"]),
                     "ok": norm_text(ours) == norm_text(page["title"]), "truth": page["title"], "ours": ours})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", metavar="SET", help=f"any of {', '.join(SETS)} (default: all)")
    parser.add_argument("--half", choices=("tune", "heldout", "all"), default="all")
    parser.add_argument("--fails", type=Path, help="write the misses here as JSON lines")
    parser.add_argument("--show", type=int, default=0, help="print this many misses per set")
    args = parser.parse_args()
    unknown = [name for name in args.sets if name not in SETS]
    if unknown:
        parser.error(f"unknown set {unknown[0]!r}: choose from {', '.join(SETS)}")
    misses = []
    print(f"{'set':10} {'tune':>14} {'heldout':>14} {'all':>14}")
    for name in args.sets or list(SETS):
        rows = evaluate(name, args.half)
        cells = []
        for part in ("tune", "heldout", None):
            mine = [r for r in rows if part is None or r["half"] == part]
            hits = sum(r["ok"] for r in mine)
            cells.append(f"{hits / len(mine):.3f} ({hits}/{len(mine)})" if mine else "-")
        print(f"{name:10} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14}")
        bad = [r for r in rows if not r["ok"]]
        misses += bad
        for r in bad[: args.show]:
            print(f"   {r['id'][:40]:40}  truth: {r['truth']!r}\n   {'':40}  ours:  {r['ours']!r}")
    if args.fails:
        args.fails.parent.mkdir(parents=True, exist_ok=True)
        with args.fails.open("w", encoding="utf-8") as handle:
            for r in misses:
                handle.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
