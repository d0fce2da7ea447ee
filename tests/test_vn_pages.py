"""Real Vietnamese pages (VnExpress, Dân Trí): exact titles, exact dates, no invented dates."""

from __future__ import annotations

import pytest

from crawler.items import RawPage
from pipelines.process import process_page
from pipelines.validate import schema_errors
from tests.conftest import VN_TRUTH, vn_page

TRUTH = VN_TRUTH


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, object]]:
    out = {}
    for row in TRUTH:
        html = vn_page(row["file"].removesuffix(".html"))
        raw = RawPage(url=row["url"], html=html, fetched_at="2025-11-01T00:00:00+00:00")
        out[row["file"]] = process_page(raw).to_dict()
    return out


@pytest.mark.parametrize("row", TRUTH, ids=[r["file"] for r in TRUTH])
def test_title_exact(row: dict[str, str], records: dict[str, dict[str, object]]) -> None:
    assert records[row["file"]]["title"] == row["title"]


@pytest.mark.parametrize("row", TRUTH, ids=[r["file"] for r in TRUTH])
def test_published_exact_or_null(row: dict[str, str], records: dict[str, dict[str, object]]) -> None:
    record = records[row["file"]]
    assert record["published_at"] == row["published"]  # None where the page has no date: no guessing
    if row["published"]:
        assert record["tz_assumed"] is False


@pytest.mark.parametrize("row", TRUTH, ids=[r["file"] for r in TRUTH])
def test_body_and_schema(row: dict[str, str], records: dict[str, dict[str, object]]) -> None:
    record = records[row["file"]]
    text = " ".join(str(record["text"]).split())
    assert " ".join(row["first_body_sentence"].split()) in text
    assert record["language"] == "vi"
    assert schema_errors(record) == []


def test_vnexpress_author_line_moved_out_of_text(records: dict[str, dict[str, object]]) -> None:
    record = records["vnexpress_1.html"]
    assert record["authors"] == ["Lê Phương"]
    assert not str(record["text"]).rstrip().endswith("Lê Phương")


def test_dantri_lead_without_agency_tag(records: dict[str, dict[str, object]]) -> None:
    record = records["dantri_1.html"]
    assert str(record["description"]).startswith("Với gói viện trợ mới")
    assert not str(record["text"]).startswith("(Dân trí)")
