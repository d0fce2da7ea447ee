"""Site profiles as data: every saved page in tests/fixtures/profiles/<site>/ gives its expected record.

The format and its loader: crawler/sitefixtures.py (also read by bench/quality_gate.py and
written by `newscrawl fixture`). Pages that are not articles for a reader (cookie walls, bot
checks, paywall stubs) live in `_rejected/` and must be refused with their reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.profiles import PROFILES, profile_for_host
from crawler.sitefixtures import SiteFixture, load_site_fixtures, run_fixture
from crawler.urls import host_of
from pipelines.errors import PageRejected
from pipelines.validate import schema_errors

PROFILE_DIR = Path(__file__).resolve().parent / "fixtures" / "profiles"
ARTICLES = load_site_fixtures(PROFILE_DIR)
REJECTED = load_site_fixtures(PROFILE_DIR, "rejected")


def test_every_profile_has_a_fixture() -> None:
    covered = {fx.site for fx in ARTICLES}
    assert covered == set(PROFILES), f"profiles without a fixture: {set(PROFILES) - covered}"


@pytest.mark.parametrize("fx", ARTICLES, ids=[fx.name for fx in ARTICLES])
def test_profile_fixture(fx: SiteFixture) -> None:
    profile = profile_for_host(host_of(fx.url))
    assert profile is not None and profile.name == fx.site
    record = run_fixture(fx)
    exp = fx.expected
    assert record["title"] == exp["title"]
    assert record["authors"] == exp["authors"]
    assert record["published_at"] == exp["published_at"]
    assert record["description"] == exp["description"]
    assert exp["first_sentence"] in record["text"]
    lines = set(record["text"].splitlines())
    for line in exp["not_in_text"]:
        assert line not in lines, f"boilerplate left in the text: {line!r}"
        assert len(line) <= 25 or line not in record["text"], f"boilerplate left in the text: {line!r}"
    if exp.get("source_credit"):
        assert record["source_credit"] == exp["source_credit"]
    assert schema_errors(record) == []


@pytest.mark.parametrize("fx", ARTICLES, ids=[fx.name for fx in ARTICLES])
def test_fixture_provenance(fx: SiteFixture) -> None:
    assert fx.provenance.startswith(("real page from ", "built from the documented markup in research/"))
    if fx.provenance.startswith("built"):
        assert fx.provenance.endswith("no real page available")


@pytest.mark.parametrize("fx", REJECTED, ids=[fx.slug for fx in REJECTED])
def test_not_an_article_for_the_reader(fx: SiteFixture) -> None:
    with pytest.raises(PageRejected) as info:
        run_fixture(fx)
    assert info.value.reason == fx.expected["reason"]
