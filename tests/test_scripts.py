"""Real pages in scripts written without spaces or right to left: each gives an article with
its title, its body, its date (null where the page states none) and a word count that fits
the script (tests/fixtures/scripts/<language>/, the site-fixture format of crawler/sitefixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sitefixtures import SiteFixture, load_site_fixtures, run_fixture
from pipelines.validate import schema_errors

FIXTURES = load_site_fixtures(Path(__file__).resolve().parent / "fixtures" / "scripts")


def test_every_script_has_a_page() -> None:
    assert {fx.site for fx in FIXTURES} >= {"ja", "zh", "ko", "th", "ar"}


@pytest.mark.parametrize("fx", FIXTURES, ids=[fx.name for fx in FIXTURES])
def test_script_page(fx: SiteFixture) -> None:
    record = run_fixture(fx)
    exp = fx.expected
    assert record["title"] == exp["title"]
    assert record["published_at"] == exp["published_at"]
    assert record["language"] == exp["language"]
    assert exp["first_sentence"] in "\n".join(record["text"].split("\n")[:2])  # the article starts the text
    low, high = exp["word_count"]
    assert low <= record["word_count"] <= high, record["word_count"]
    for line in exp["not_in_text"]:
        assert line not in record["text"], f"furniture left in the text: {line!r}"
    assert schema_errors(record) == []
