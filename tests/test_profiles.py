"""Site profiles as data: every saved page in tests/fixtures/profiles/<site>/ gives its expected record.

Each fixture is `<slug>.html.gz` (the page), `<slug>.json` (expected title, authors,
published_at with its offset, description, first body sentence, lines that must not be
in the text) and the site folder's `meta.json` (url, fetched_at, provenance). The page
runs through process_page with the profile resolved from its URL, as a crawl would.
Pages that are not articles for a reader (cookie walls, bot checks, paywall stubs) live
in `_rejected/` and must be refused with their reason.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from pipelines.contracts.items import RawPage
from pipelines.contracts.profiles import PROFILES, profile_for_host
from pipelines.contracts.urls import host_of
from pipelines.errors import PageRejected
from pipelines.process import process_page
from pipelines.validate import schema_errors

PROFILE_DIR = Path(__file__).resolve().parent / "fixtures" / "profiles"
FIELDS = ("title", "authors", "published_at", "description")


def load_fixtures(kind: str = "articles") -> list[dict[str, Any]]:
    """Every fixture as {site, slug, url, fetched_at, provenance, html, expected}."""
    out = []
    for site_dir in sorted(p for p in PROFILE_DIR.iterdir() if p.is_dir()):
        if (site_dir.name == "_rejected") != (kind == "rejected"):
            continue
        metas = json.loads((site_dir / "meta.json").read_text(encoding="utf-8"))
        for slug, meta in sorted(metas.items()):
            html = gzip.decompress((site_dir / f"{slug}.html.gz").read_bytes()).decode("utf-8")
            expected = json.loads((site_dir / f"{slug}.json").read_text(encoding="utf-8"))
            out.append({"site": site_dir.name, "slug": slug, "html": html, "expected": expected, **meta})
    return out


def run_fixture(fx: dict[str, Any]) -> dict[str, Any]:
    raw = RawPage(url=fx["url"], html=fx["html"], fetched_at=fx["fetched_at"])
    return process_page(raw).to_dict()


def field_mismatches(fx: dict[str, Any], record: dict[str, Any]) -> list[str]:
    """Names of the expected fields the record gets wrong (empty when it passes)."""
    exp = fx["expected"]
    bad = [name for name in FIELDS if record.get(name) != exp[name]]
    text = str(record.get("text") or "")
    lines = set(text.splitlines())
    if exp["first_sentence"] not in text:
        bad.append("first_sentence")
    if any(line in lines or (len(line) > 25 and line in text) for line in exp["not_in_text"]):
        bad.append("not_in_text")
    return bad


ARTICLES = load_fixtures()
REJECTED = load_fixtures("rejected")


def test_every_profile_has_a_fixture() -> None:
    covered = {fx["site"] for fx in ARTICLES}
    assert covered == set(PROFILES), f"profiles without a fixture: {set(PROFILES) - covered}"


@pytest.mark.parametrize("fx", ARTICLES, ids=[f"{f['site']}/{f['slug']}" for f in ARTICLES])
def test_profile_fixture(fx: dict[str, Any]) -> None:
    profile = profile_for_host(host_of(fx["url"]))
    assert profile is not None and profile.name == fx["site"]
    record = run_fixture(fx)
    exp = fx["expected"]
    assert record["title"] == exp["title"]
    assert record["authors"] == exp["authors"]
    assert record["published_at"] == exp["published_at"]
    assert record["description"] == exp["description"]
    assert exp["first_sentence"] in record["text"]
    lines = set(record["text"].splitlines())
    for line in exp["not_in_text"]:
        assert line not in lines, f"boilerplate left in the text: {line!r}"
        assert len(line) <= 25 or line not in record["text"], f"boilerplate left in the text: {line!r}"
    if fx["expected"].get("source_credit"):
        assert record["source_credit"] == exp["source_credit"]
    assert schema_errors(record) == []


@pytest.mark.parametrize("fx", ARTICLES, ids=[f"{f['site']}/{f['slug']}" for f in ARTICLES])
def test_fixture_provenance(fx: dict[str, Any]) -> None:
    assert fx["provenance"].startswith(("real page from ", "built from the documented markup in research/"))
    if fx["provenance"].startswith("built"):
        assert fx["provenance"].endswith("no real page available")


@pytest.mark.parametrize("fx", REJECTED, ids=[f"{f['slug']}" for f in REJECTED])
def test_not_an_article_for_the_reader(fx: dict[str, Any]) -> None:
    with pytest.raises(PageRejected) as info:
        run_fixture(fx)
    assert info.value.reason == fx["expected"]["reason"]
