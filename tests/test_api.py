"""The Python API (crawler.api, docs/python-api.md): extract a page you have, crawl sites or
URLs from code (an iterator, or a callback), validate a record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.api import PageRejected, crawl, extract, validate
from tests.conftest import FIXTURES, read_fixture
from tests.hostileserver import HostileServer
from tests.hostilesite import HealthySite, story_path

SEED_URL = "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"
LOCAL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "NEWSCRAWL_WORKERS": 0}


@pytest.fixture()
def site() -> Iterator[HealthySite]:
    with HostileServer() as server:
        yield HealthySite(server)


def test_extract_gives_the_record_the_commands_give() -> None:
    expected = json.loads((FIXTURES / "seed" / "expected.json").read_text(encoding="utf-8"))
    html = read_fixture("seed/seed-reconstructed.html")
    from_text = extract(html, SEED_URL, fetched_at="2023-12-28T05:00:00+00:00")
    assert from_text == expected
    from_bytes = extract(html.encode("utf-8"), url=SEED_URL, fetched_at="2023-12-28T05:00:00+00:00",
                         content_type="text/html; charset=utf-8")
    assert from_bytes == expected
    assert validate(from_text) == []


def test_extract_says_why_a_page_is_no_article() -> None:
    with pytest.raises(PageRejected) as listing:
        extract("<html><body><h1>Tags</h1><a href='/a'>A</a></body></html>", "https://news.example/tags")
    assert listing.value.reason == "not_article"
    with pytest.raises(PageRejected) as empty:
        extract(b"", "https://news.example/a.html")
    assert empty.value.reason == "empty"
    with pytest.raises(ValueError, match=r"did you mean 'https://news\.example/a\.html'"):
        extract("<html></html>", "news.example/a.html")


def test_validate_names_each_problem() -> None:
    record: dict[str, Any] = json.loads((FIXTURES / "seed" / "expected.json").read_text(encoding="utf-8"))
    record["published_at"] = "28/12/2023 09:47"
    del record["content_hash"]
    problems = validate(record)
    assert any(p.startswith("published_at: ") for p in problems), problems
    assert any("content_hash" in p for p in problems), problems


@pytest.mark.slow
def test_crawl_sites_as_an_iterator(site: HealthySite) -> None:
    run = crawl([site.base + "/"], settings=LOCAL)
    records = list(run)
    assert {r["url"] for r in records} == site.good_urls
    assert all(validate(r) == [] for r in records)
    assert run.finish_reason == "finished" and run.failures == {}
    assert run.summary["articles"] == 3 and run.summary["sites"]["127.0.0.1"]["articles"] == 3


@pytest.mark.slow
def test_crawl_urls_with_a_callback(site: HealthySite) -> None:
    seen: list[str] = []
    good, missing = site.base + story_path("good-1"), site.base + story_path("not-there")
    run = crawl(urls=[good, missing], settings=LOCAL, on_record=lambda r: seen.append(r["url"]))
    assert seen == [good]
    assert run.failures == {missing: "http_error: HTTP 404"}


def test_crawl_refuses_bad_arguments_before_starting() -> None:
    for kwargs, message in (({"sites": ["example.com"]}, "did you mean 'https://example.com'"),
                            ({}, "nothing to crawl"),
                            ({"sites": "https://a.example/", "settings": {"DOWNLOAD_DELY": 0}},
                             "DOWNLOAD_DELAY"),
                            ({"sites": "https://a.example/", "max_articles": -1},
                             "^max_articles must be at least 0, got -1$"),
                            ({"sites": "https://a.example/", "depth": 1.5}, "^depth must be a whole number"),
                            ({"sites": "https://a.example/", "settings": {"NEWSCRAWL_DEPTH": -2}},
                             "^settings: NEWSCRAWL_DEPTH must be at least 0"),
                            ({"sites": "https://a.example/", "since": "someday"}, "must be like 2d")):
        with pytest.raises(ValueError, match=message):
            crawl(**kwargs)


@pytest.mark.slow
def test_leaving_the_loop_early_stops_the_crawl(site: HealthySite, tmp_path: Path) -> None:
    run = crawl([site.base + "/"], settings=LOCAL)
    with run:
        first = next(run)
    assert first["url"] in site.good_urls
    assert run._child.poll() is not None  # the child process is gone, not left crawling
