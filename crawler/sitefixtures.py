"""Site fixtures: for each site profile, saved pages and the record fields each must give.

    tests/fixtures/profiles/<profile>/<slug>.html.gz   the page as fetched
    tests/fixtures/profiles/<profile>/<slug>.json      expected: title, authors, published_at (with its
                                                       offset), description, first_sentence (in `text`),
                                                       not_in_text (lines that must not be lines of `text`),
                                                       optionally source_credit
    tests/fixtures/profiles/<profile>/meta.json        per slug: url, fetched_at, provenance
    tests/fixtures/profiles/_rejected/...              pages that must be refused; <slug>.json: {"reason": ...}

One format and one loader: tests/test_profiles.py runs them, bench/quality_gate.py scores them,
`newscrawl fixture URL` writes a new one (the expected fields are what extraction gives today,
for a person to review). The page is run with the profile resolved from its URL, as a crawl would.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.items import RawPage
from pipelines.extraction.document import decode_html
from pipelines.process import process_page

REJECTED = "_rejected"
FIELDS = ("title", "authors", "published_at", "description")  # compared exactly
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


@dataclass
class SiteFixture:
    site: str  # the profile's name (the folder)
    slug: str
    url: str
    fetched_at: str
    provenance: str
    html: str
    expected: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.site}/{self.slug}"


def load_site_fixtures(root: Path, kind: str = "articles") -> list[SiteFixture]:
    """Every article fixture under `root` (kind "articles"), or every page to refuse ("rejected")."""
    out = []
    for site_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if (site_dir.name == REJECTED) != (kind == "rejected"):
            continue
        metas = json.loads((site_dir / "meta.json").read_text(encoding="utf-8"))
        for slug, meta in sorted(metas.items()):
            html = decode_html(gzip.decompress((site_dir / f"{slug}.html.gz").read_bytes()))
            expected = json.loads((site_dir / f"{slug}.json").read_text(encoding="utf-8"))
            out.append(SiteFixture(site_dir.name, slug, meta["url"], meta["fetched_at"], meta["provenance"],
                                   html, expected))
    return out


def run_fixture(fx: SiteFixture) -> dict[str, Any]:
    """The fixture's page through every stage; PageRejected when it gives no record."""
    return process_page(RawPage(url=fx.url, html=fx.html, fetched_at=fx.fetched_at)).to_dict()


def field_mismatches(fx: SiteFixture, record: dict[str, Any]) -> list[str]:
    """Names of the expected fields the record gets wrong (empty when it passes)."""
    exp = fx.expected
    bad = [name for name in FIELDS if record.get(name) != exp[name]]
    text = str(record.get("text") or "")
    lines = set(text.splitlines())
    if exp["first_sentence"] not in text:
        bad.append("first_sentence")
    if any(line in lines or (len(line) > 25 and line in text) for line in exp["not_in_text"]):
        bad.append("not_in_text")
    if exp.get("source_credit") and record.get("source_credit") != exp["source_credit"]:
        bad.append("source_credit")
    return bad


def expected_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A fixture's expected fields as the record has them now: a draft for review."""
    text = str(record.get("text") or "")
    first_line = text.split("\n", 1)[0]
    expected = {name: record.get(name) for name in FIELDS}
    expected["first_sentence"] = _SENTENCE_END.split(first_line, maxsplit=1)[0]
    expected["not_in_text"] = []  # add captions, bylines and related-article titles the text must not hold
    if record.get("source_credit"):
        expected["source_credit"] = record["source_credit"]
    return expected


def write_site_fixture(root: Path, site: str, slug: str, *, url: str, fetched_at: str, provenance: str,
                       page: bytes, expected: dict[str, Any]) -> list[Path]:
    """Save the page, its expected fields and its meta.json entry; the paths written."""
    site_dir = root / site
    site_dir.mkdir(parents=True, exist_ok=True)
    page_path, expected_path = site_dir / f"{slug}.html.gz", site_dir / f"{slug}.json"
    meta_path = site_dir / "meta.json"
    page_path.write_bytes(gzip.compress(page, mtime=0))
    expected_path.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    metas = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    metas[slug] = {"url": url, "fetched_at": fetched_at, "provenance": provenance}
    meta_path.write_text(json.dumps(metas, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [page_path, expected_path, meta_path]
