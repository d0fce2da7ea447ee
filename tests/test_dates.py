"""The 54 real-world Vietnamese date strings of the research probe, plus generic cases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.profiles import get_profile
from pipelines.normalization.dates import DateContext, parse_date

ICT = timezone(timedelta(hours=7))
# The probe's relative base: 2023-12-28 11:47 wall clock in Ho Chi Minh City.
BASE = datetime(2023, 12, 28, 11, 47, tzinfo=ICT)
ROWS = [json.loads(line) for line in (Path(__file__).parent / "data" / "vn_dates_probe.jsonl").read_text(encoding="utf-8").splitlines()]
FEED_ROWS = {51, 52}  # US month-first dates from Tuổi Trẻ's feed: need that site's profile


def vi_context(row: int) -> DateContext:
    formats: tuple[str, ...] = ()
    if row in FEED_ROWS:
        formats = get_profile("tuoitre").feed_date_formats
    return DateContext(base=BASE, tz="Asia/Ho_Chi_Minh", languages=("vi",), date_order="DMY", formats=formats,
                       utc_as_local=True)  # the context of a Vietnamese site profile


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['row']:02d}-{r['label']}" for r in ROWS])
def test_vietnamese_probe(row: dict[str, str]) -> None:
    parsed = parse_date(row["input"], vi_context(int(row["row"])))
    assert parsed is not None, row["input"]
    assert parsed.isoformat() == row["expected"]
    assert parsed.value.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    ("raw", "expected", "assumed"),
    [
        ("2024-03-05T10:00:00-05:00", "2024-03-05T10:00:00-05:00", False),
        ("Tue, 05 Mar 2024 10:00:00 -0500", "2024-03-05T10:00:00-05:00", False),
        ("March 5, 2024 10:00 AM EST", "2024-03-05T10:00:00-05:00", False),
        ("05.03.2024 10:00 UTC+1", "2024-03-05T10:00:00+01:00", False),
        ("05/03/2024 10:00 GMT-3", "2024-03-05T10:00:00-03:00", False),
        ("2024-03-05 10:00", "2024-03-05T10:00:00+07:00", True),
        ("1709607600", "2024-03-05T10:00:00+07:00", True),
    ],
)
def test_offsets_kept_as_stated(raw: str, expected: str, assumed: bool) -> None:
    ctx = DateContext(base=datetime(2024, 6, 1, tzinfo=timezone.utc), tz="Asia/Ho_Chi_Minh", date_order="DMY")
    parsed = parse_date(raw, ctx)
    assert parsed is not None
    assert parsed.isoformat() == expected
    assert parsed.tz_assumed is assumed


def test_naive_date_takes_dst_of_its_own_day() -> None:
    ctx = DateContext(base=datetime(2024, 12, 1, tzinfo=timezone.utc), tz="Europe/Berlin", languages=("de",))
    summer = parse_date("2024-07-01T12:00:00", ctx)
    winter = parse_date("2024-01-01T12:00:00", ctx)
    assert summer is not None and summer.isoformat().endswith("+02:00")
    assert winter is not None and winter.isoformat().endswith("+01:00")


@pytest.mark.parametrize("raw", ["", "   ", "hello world", "Ảnh: TTXVN", "3000-01-01T00:00:00Z", "1850-02-02", "99/99/9999"])
def test_not_dates_give_none(raw: str) -> None:
    assert parse_date(raw, DateContext(base=BASE, tz="Asia/Ho_Chi_Minh", languages=("vi",))) is None


def test_far_future_dates_rejected() -> None:
    assert parse_date("2024-01-05T09:00:00+07:00", DateContext(base=BASE)) is None
    assert parse_date("2023-12-31T09:00:00+07:00", DateContext(base=BASE)) is not None


def test_utc_stamp_shown_in_site_time_only_for_profiled_sites() -> None:
    parsed = parse_date("2023-12-28T02:47:00Z", DateContext(base=BASE, tz="Europe/Berlin", utc_as_local=True))
    assert parsed is not None and parsed.isoformat() == "2023-12-28T03:47:00+01:00"
    kept = parse_date("2023-12-28T02:47:00Z", DateContext(base=BASE, tz="Europe/Berlin"))
    assert kept is not None and kept.isoformat() == "2023-12-28T02:47:00+00:00"


def test_published_later_than_modified_is_distrusted_unless_the_url_agrees() -> None:
    from crawler.items import DateCandidate
    from pipelines.normalize import choose_dates

    ctx = DateContext(base=datetime(2026, 1, 1, tzinfo=timezone.utc))
    candidates = [
        DateCandidate("2025-06-28T19:47:00+07:00", "meta"),
        DateCandidate("2019-11-18T21:17:46Z", "meta", "modified"),
        DateCandidate("2019-11-18T21:17:00+00:00", "time"),
    ]
    published, _ = choose_dates(candidates, ctx)
    assert published is not None and published[1].isoformat() == "2019-11-18T21:17:00+00:00"
    published, _ = choose_dates([*candidates, DateCandidate("2025-06-28", "url")], ctx)
    assert published is not None and published[1].isoformat() == "2025-06-28T19:47:00+07:00"
