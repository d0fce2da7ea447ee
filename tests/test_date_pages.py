"""Real pages of several scripts and languages through the date stage (find the candidates,
choose the date), read as `newscrawl extract FILE` reads a saved page: no URL but its own."""

from __future__ import annotations

import json

import pytest

from crawler.items import ExtractedArticle
from pipelines.extraction.datefinder import declared_locale, find_dates
from pipelines.extraction.document import decode_html, parse_html
from pipelines.extraction.metadata import read_facts
from pipelines.extraction.structured import read_structured
from pipelines.normalization.language import detect_language
from pipelines.normalize import choose_dates, date_context
from tests.conftest import FIXTURES

PAGES = FIXTURES / "dates"
ROWS = [json.loads(line) for line in (PAGES / "pages.jsonl").read_text(encoding="utf-8").splitlines() if line]
FETCHED_AT = "2026-01-01T00:00:00+00:00"


def published_of(name: str) -> tuple[str | None, bool]:
    import gzip

    page = PAGES / name
    tree = parse_html(decode_html(gzip.decompress(page.read_bytes())))
    data = read_structured(tree)
    url = page.resolve().as_uri()
    facts = read_facts(tree, data, url, None)
    article = ExtractedArticle(url=facts.canonical or url, fetched_url=url, fetched_at=FETCHED_AT,
                               dates=find_dates(tree, data, facts.canonical or url, None),
                               html_lang=declared_locale(tree, data) or facts.language)
    text = " ".join(" ".join(p.text_content().split()) for p in tree.iter("p"))
    language = detect_language(f"{tree.findtext('.//title') or ''}\n{text}", article.html_lang)
    published, _ = choose_dates(article.dates, date_context(article, None, language))
    return (published[1].isoformat() if published else None), bool(published and published[1].tz_assumed)


@pytest.mark.parametrize("row", ROWS, ids=[r["file"].split(".")[0] for r in ROWS])
def test_real_page_date(row: dict[str, object]) -> None:
    published, assumed = published_of(str(row["file"]))
    assert published == row["published"]
    assert assumed is row["tz_assumed"]
    if row["truth_day"]:  # the annotators' day, independently of our expected instant
        assert published is not None and published.startswith(str(row["truth_day"]))
