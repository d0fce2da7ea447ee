"""The page that defined the project: one record, every field as expected."""

from __future__ import annotations

import json

from crawler.items import RawPage
from pipelines.process import process_page
from pipelines.validate import schema_errors
from tests.conftest import FIXTURES, json_lines, read_fixture, run_cli

SEED_URL = "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"


def seed_record() -> dict[str, object]:
    html = read_fixture("seed/seed-reconstructed.html")
    return process_page(RawPage(url=SEED_URL, html=html, fetched_at="2023-12-28T05:00:00+00:00")).to_dict()


def test_seed_record_matches_expected_exactly() -> None:
    expected = json.loads((FIXTURES / "seed" / "expected.json").read_text(encoding="utf-8"))
    assert seed_record() == expected


def test_seed_key_fields() -> None:
    record = seed_record()
    assert record["title"] == "Hội nghị toàn quốc tổng kết Ngành Tổ chức xây dựng Đảng"
    assert record["published_at"] == "2023-12-28T09:47:00+07:00"
    assert record["tz_assumed"] is False
    assert record["language"] == "vi"
    assert record["site_name"] == "Công ty Phân lân nung chảy Văn Điển"
    assert str(record["description"]).startswith("Sáng nay (28/12), tại Hà Nội")
    text = str(record["text"])
    assert "hinh anh 1" not in text
    assert "triển khai nhiệm vụ quý IV năm 2023" not in text  # the related-article link title
    assert not text.startswith(str(record["title"]))
    assert "Mai Văn Chính" in text
    assert schema_errors(record) == []


def test_seed_through_the_cli() -> None:
    result = run_cli("extract", str(FIXTURES / "seed" / "seed-reconstructed.html"), "--url", SEED_URL)
    assert result.returncode == 0, result.stderr
    [record] = json_lines(result.stdout)
    assert record["published_at"] == "2023-12-28T09:47:00+07:00"
    assert record["url"] == SEED_URL
    assert record["input"].endswith("seed-reconstructed.html")
    assert "Traceback" not in result.stderr
