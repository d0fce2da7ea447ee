"""The 54 real-world Vietnamese date strings of the research probe, plus generic cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.profiles import get_profile
from pipelines.normalization.dates import DateContext, parse_date

ICT = timezone(timedelta(hours=7))
# The probe's relative base: 2023-12-28 11:47 wall clock in Ho Chi Minh City.
BASE = datetime(2023, 12, 28, 11, 47, tzinfo=ICT)
PROBE = Path(__file__).parent / "data" / "vn_dates_probe.jsonl"
ROWS = [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines()]
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
    ctx = DateContext(base=datetime(2024, 6, 1, tzinfo=UTC), tz="Asia/Ho_Chi_Minh", date_order="DMY")
    parsed = parse_date(raw, ctx)
    assert parsed is not None
    assert parsed.isoformat() == expected
    assert parsed.tz_assumed is assumed


def test_naive_date_takes_dst_of_its_own_day() -> None:
    ctx = DateContext(base=datetime(2024, 12, 1, tzinfo=UTC), tz="Europe/Berlin", languages=("de",))
    summer = parse_date("2024-07-01T12:00:00", ctx)
    winter = parse_date("2024-01-01T12:00:00", ctx)
    assert summer is not None and summer.isoformat().endswith("+02:00")
    assert winter is not None and winter.isoformat().endswith("+01:00")


@pytest.mark.parametrize(
    "raw", ["", "   ", "hello world", "Ảnh: TTXVN", "3000-01-01T00:00:00Z", "1850-02-02", "99/99/9999"])
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

    ctx = DateContext(base=datetime(2026, 1, 1, tzinfo=UTC))
    candidates = [
        DateCandidate("2025-06-28T19:47:00+07:00", "meta"),
        DateCandidate("2019-11-18T21:17:46Z", "meta", "modified"),
        DateCandidate("2019-11-18T21:17:00+00:00", "time"),
    ]
    published, _ = choose_dates(candidates, ctx)
    assert published is not None and published[1].isoformat() == "2019-11-18T21:17:00+00:00"
    published, _ = choose_dates([*candidates, DateCandidate("2025-06-28", "url")], ctx)
    assert published is not None and published[1].isoformat() == "2025-06-28T19:47:00+07:00"


def _ctx(language: str | None, tz: str | None = None, order: str | None = None) -> DateContext:
    return DateContext(base=datetime(2026, 2, 1, tzinfo=UTC), tz=tz,
                       languages=(language,) if language else (), date_order=order)


@pytest.mark.parametrize(
    ("raw", "language", "tz", "expected", "assumed"),
    [
        # Japanese: year/month/day marks, 時/分, era names
        ("2025年1月13日 21時37分", "ja", "Asia/Tokyo", "2025-01-13T21:37:00+09:00", True),
        ("令和7年1月13日", "ja", "Asia/Tokyo", "2025-01-13T00:00:00+09:00", True),
        ("平成31年4月30日", "ja", "Asia/Tokyo", "2019-04-30T00:00:00+09:00", True),
        ("令和元年5月1日", "ja", "Asia/Tokyo", "2019-05-01T00:00:00+09:00", True),
        ("2025年01月13日 午後9:37", "ja", "Asia/Tokyo", "2025-01-13T21:37:00+09:00", True),
        # Chinese and the ROC calendar
        ("2025年1月13日 21:37", "zh", "Asia/Shanghai", "2025-01-13T21:37:00+08:00", True),
        ("发布时间：2025-01-13 09:37 下午", "zh", "Asia/Shanghai", "2025-01-13T21:37:00+08:00", True),
        ("民國114年1月13日 下午3:20", "zh", "Asia/Taipei", "2025-01-13T15:20:00+08:00", True),
        # Korean: dotted dates with 오전/오후, 년/월/일, 시/분
        ("2025. 1. 13. 오후 9:37", "ko", "Asia/Seoul", "2025-01-13T21:37:00+09:00", True),
        ("2025년 1월 13일 오전 9시 5분", "ko", "Asia/Seoul", "2025-01-13T09:05:00+09:00", True),
        ("입력 2025.01.13 21:37 수정 2025.01.14 08:00", "ko", "Asia/Seoul", "2025-01-13T21:37:00+09:00", True),
        # Thai: month names and Buddhist-era years, four or two digits, Thai digits
        ("13 มกราคม 2568", "th", "Asia/Bangkok", "2025-01-13T00:00:00+07:00", True),
        ("13 ม.ค. 68 14.30 น.", "th", "Asia/Bangkok", "2025-01-13T14:30:00+07:00", True),
        ("๑๓ มี.ค. ๒๕๖๘", "th", "Asia/Bangkok", "2025-03-13T00:00:00+07:00", True),
        # Arabic-Indic, Persian and Devanagari digits; Arabic and Hindi month names
        ("١٣ يناير ٢٠٢٥", "ar", None, "2025-01-13T00:00:00+00:00", True),
        # Levantine pages name the month twice (Syriac-derived and Latin-derived names)
        ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", "ar", "Asia/Amman", "2020-04-24T21:22:00+03:00", True),
        ("الثلاثاء 14 كانون الثاني (يناير) 2025", "ar", "Asia/Beirut", "2025-01-14T00:00:00+02:00", True),
        ("۱۳ ژانویه ۲۰۲۵", "fa", "Asia/Tehran", "2025-01-13T00:00:00+03:30", True),
        ("१३ जनवरी २०२५", "hi", "Asia/Kolkata", "2025-01-13T00:00:00+05:30", True),
        # Persian pages in their own calendar (Solar Hijri): month names or numbers, Persian digits
        ("2 تير 1399 - 1:09:08 ب.ظ", "fa", "Asia/Tehran", "2020-06-22T13:09:08+04:30", True),
        ("۲۹ بهمن ۱۳۹۸ - ۰۶:۵۵", "fa", "Asia/Tehran", "2020-02-18T06:55:00+03:30", True),
        ("۱۴۰۳/۰۱/۰۱", "fa", "Asia/Tehran", "2024-03-20T00:00:00+03:30", True),
        # German numeric and month-word forms, `um ... Uhr`
        ("06.01.2026", "de", "Europe/Berlin", "2026-01-06T00:00:00+01:00", True),
        ("6. Januar 2026 um 14.30 Uhr", "de", "Europe/Berlin", "2026-01-06T14:30:00+01:00", True),
        ("Veröffentlicht am 19. Oktober 2019 um 14:37 Uhr", "de", "Europe/Berlin", "2019-10-19T14:37:00+02:00", True),
        # Romance, Dutch, Polish, Russian month words
        ("13 janvier 2025 à 14h30", "fr", "Europe/Paris", "2025-01-13T14:30:00+01:00", True),
        ("13 de enero de 2025", "es", None, "2025-01-13T00:00:00+00:00", True),
        ("13 de janeiro de 2025 às 10:00", "pt", "America/Sao_Paulo", "2025-01-13T10:00:00-03:00", True),
        ("13 gennaio 2025", "it", "Europe/Rome", "2025-01-13T00:00:00+01:00", True),
        ("13 januari 2025", "nl", "Europe/Amsterdam", "2025-01-13T00:00:00+01:00", True),
        ("13 stycznia 2025", "pl", "Europe/Warsaw", "2025-01-13T00:00:00+01:00", True),
        ("13 января 2025 г., 14:05", "ru", "Europe/Moscow", "2025-01-13T14:05:00+03:00", True),
        # Vietnamese long forms, 12-hour words and two-digit years of older layouts
        ("Thứ Hai, ngày 5 tháng 1 năm 2024", "vi", "Asia/Ho_Chi_Minh", "2024-01-05T00:00:00+07:00", True),
        ("05/01/12 9:30 sáng", "vi", "Asia/Ho_Chi_Minh", "2012-01-05T09:30:00+07:00", True),
        ("05/01/12 - 07:15 tối", "vi", "Asia/Ho_Chi_Minh", "2012-01-05T19:15:00+07:00", True),
        ("Cập nhật: 2:05 chiều, 28/12/2023", "vi", "Asia/Ho_Chi_Minh", "2023-12-28T14:05:00+07:00", True),
        # older Vietnamese layouts: time first with the weekday between, zone at the end, AM/PM
        ("Cập nhật lúc 09:47, Thứ Hai, 05/11/2012 (GMT+7)", "vi", "Asia/Ho_Chi_Minh", "2012-11-05T09:47:00+07:00",
         False),
        ("Thứ Hai, ngày 05/11/2012, 09:47 PM (GMT+7)", "vi", "Asia/Ho_Chi_Minh", "2012-11-05T21:47:00+07:00", False),
        ("Thứ hai, 5/11/2012 | 09:47 GMT+7", "vi", "Asia/Ho_Chi_Minh", "2012-11-05T09:47:00+07:00", False),
        ("05/11/2012 09:47:00 AM (GMT+07:00)", "vi", "Asia/Ho_Chi_Minh", "2012-11-05T09:47:00+07:00", False),
        # A stated zone beats the site's: offsets, GMT+N, abbreviations with daylight saving
        ("Nov 25, 2025 5:00 am PST", "en", "Asia/Ho_Chi_Minh", "2025-11-25T05:00:00-08:00", False),
        ("Oct. 3, 2020 at 10:15 a.m. ET", "en", None, "2020-10-03T10:15:00-04:00", False),
        ("News24 13 Jan 2020, 22:11 GMT+10", "en", None, "2020-01-13T22:11:00+10:00", False),
        ("09:47 28/12/2023 GMT+7", "vi", None, "2023-12-28T09:47:00+07:00", False),
        ("01:38:07 PM IST Nov 20, 2019", "en", None, "2019-11-20T13:38:07+05:30", False),
        ("November 20, 2019 - 11:28 AMT", "en", None, "2019-11-20T11:28:00+04:00", False),  # dateparser's zone
        ("Wed Nov 20 15:23:00 2019", "en", None, "2019-11-20T15:23:00+00:00", True),
    ],
)
def test_local_forms(raw: str, language: str, tz: str | None, expected: str, assumed: bool) -> None:
    parsed = parse_date(raw, _ctx(language, tz))
    assert parsed is not None, raw
    assert parsed.isoformat() == expected
    assert parsed.tz_assumed is assumed


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("June 29, 2020 November 12, 2021", "2020-06-29"),
        ("Jun 08, 2023 • 11 Minute Read", "2023-06-08"),
        ("By Dr. Vahid Osman - Mar 27, 2024", "2024-03-27"),
        ("September 1st, 2023 By Emily Norwood", "2023-09-01"),
        ("December 15, 2025 Ai2", "2025-12-15"),
        ("Last Updated : 20 January 2025", "2025-01-20"),  # only an update date: still the line's date
        ("Updated November 12, 2021 Published June 29, 2020", "2020-06-29"),
        ("Staff Consortium | May 10, 2022 01:52:54 PM 22", "2022-05-10"),
        ("Radiobeitrag vom 30.1.2022 von Annette Florin", "2022-01-30"),
    ],
)
def test_the_date_inside_a_longer_line(line: str, expected: str) -> None:
    parsed = parse_date(line, _ctx("en" if line.isascii() else "de"))
    assert parsed is not None and parsed.value.date().isoformat() == expected


@pytest.mark.parametrize("line", ["Joined May 11, 2017 Messages 3,066", "Video verfügbar bis 28.02.2021", "1399/04/02",
                                  "Comments (79)", "Version 2.10.4", "Call 555-12-2024 now"])
def test_lines_whose_date_is_not_the_pages(line: str) -> None:
    assert parse_date(line, _ctx("en" if "bis" not in line else "de")) is None


def test_numeric_order_follows_the_language_unless_a_number_settles_it() -> None:
    assert parse_date("02/03/2025", _ctx("en")).value.date().isoformat() == "2025-02-03"  # type: ignore[union-attr]
    assert parse_date("02/03/2025", _ctx("de")).value.date().isoformat() == "2025-03-02"  # type: ignore[union-attr]
    assert parse_date("28/03/2025", _ctx("en")).value.date().isoformat() == "2025-03-28"  # type: ignore[union-attr]
    assert parse_date("12/28/2023", _ctx("vi")).value.date().isoformat() == "2023-12-28"  # type: ignore[union-attr]


def test_month_name_clash_is_settled_by_the_page_language() -> None:
    croatian = parse_date("5. listopada 2024", _ctx("hr"))
    polish = parse_date("5 listopada 2024", _ctx("pl"))
    assert croatian is not None and croatian.value.month == 10
    assert polish is not None and polish.value.month == 11


def test_structured_date_with_an_offset_is_never_discarded_for_a_weaker_signal() -> None:
    from crawler.items import DateCandidate
    from pipelines.normalize import choose_dates

    ctx = DateContext(base=datetime(2026, 1, 1, tzinfo=UTC), tz="Europe/Berlin", languages=("de",))
    candidates = [
        DateCandidate("2020-06-22T09:30:00+02:00", "jsonld"),
        DateCandidate("2020-06-22T09:29:50+02:00", "jsonld", "modified"),  # rounded: seconds before
        DateCandidate("Aktualisiert am 19.02.2021", "visible"),
        DateCandidate("2019-01-01", "url"),
    ]
    published, _ = choose_dates(candidates, ctx)
    assert published is not None and published[1].isoformat() == "2020-06-22T09:30:00+02:00"
    assert published[0].source == "jsonld" and published[1].tz_assumed is False


def test_utc_stamp_keeps_its_offset_unless_the_page_shows_the_local_day() -> None:
    from crawler.items import DateCandidate
    from pipelines.normalize import choose_dates

    ctx = DateContext(base=datetime(2026, 1, 1, tzinfo=UTC), tz="Europe/Berlin", languages=("de",))
    stamp = DateCandidate("2018-12-31T23:11:59+00:00", "meta")
    # the URL or the date line shows the local day (00:11 in Berlin is the 1st): shown in Berlin time
    for shown in (DateCandidate("2019-01-01", "url"), DateCandidate("01.01.2019", "visible")):
        published, _ = choose_dates([stamp, shown], ctx)
        assert published is not None and published[1].isoformat() == "2019-01-01T00:11:59+01:00"
        assert published[1].tz_assumed is True  # the instant is the page's, the offset ours
    # nothing on the page says which: the offset stays as the page states it
    published, _ = choose_dates([stamp], ctx)
    assert published is not None and published[1].isoformat() == "2018-12-31T23:11:59+00:00"
    assert published[1].tz_assumed is False
    # the page's own date line gives the UTC day: the stamp stays as stated
    published, _ = choose_dates([stamp, DateCandidate("31.12.2018", "visible")], ctx)
    assert published is not None and published[1].isoformat() == "2018-12-31T23:11:59+00:00"
    unknown, _ = choose_dates([stamp], DateContext(base=datetime(2026, 1, 1, tzinfo=UTC)))
    assert unknown is not None and unknown[1].isoformat() == "2018-12-31T23:11:59+00:00"  # no site zone known
