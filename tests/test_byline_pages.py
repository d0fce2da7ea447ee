"""Real pages whose byline is an agency, a desk, a list of names or a line closing the text.

tests/fixtures/bylines/<slug>.html.gz is the page as served; expected.json gives its URL, where it
comes from, and the authors and source_credit a reader of the page would record.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from crawler.items import RawPage
from pipelines.extraction.document import decode_html
from pipelines.process import process_page

FOLDER = Path(__file__).resolve().parent / "fixtures" / "bylines"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", sorted(EXPECTED))
@pytest.mark.parametrize("with_url", [True, False], ids=["crawl", "file"])
def test_byline_page(slug: str, with_url: bool) -> None:
    page = EXPECTED[slug]
    html = decode_html(gzip.decompress((FOLDER / f"{slug}.html.gz").read_bytes()))
    url = page["url"] if with_url else (FOLDER / f"{slug}.html").as_uri()  # `newscrawl extract FILE`
    record = process_page(RawPage(url=url, html=html, fetched_at="2026-01-01T00:00:00+00:00")).to_dict()
    assert record["authors"] == page["authors"], page["note"]
    assert record["source_credit"] == page["source_credit"], page["note"]
