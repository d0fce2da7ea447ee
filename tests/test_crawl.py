"""`newscrawl crawl`: whole-site discovery on a local site, with real Scrapy crawls."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pipelines.validate import schema_errors
from tests.conftest import cli, json_lines, run_cli
from tests.mockserver import MockServer, Route
from tests.testsite import LocalNewsSite

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")


def crawl(site: LocalNewsSite, tmp_path: Path, *extra: str) -> tuple[list[dict], dict, str]:
    out = tmp_path / "out.jsonl"
    result = run_cli("crawl", site.base + "/", "-o", str(out), *FAST, *extra)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    stats = json.loads((tmp_path / "out.jsonl.stats.json").read_text(encoding="utf-8"))
    return json_lines(out.read_text(encoding="utf-8")), stats, result.stderr


def article_paths(server: MockServer, site: LocalNewsSite) -> list[str]:
    known = {st.path for st in site.stories}
    return [path.split("?")[0] for path, _ in server.request_log if path.split("?")[0] in known]


@pytest.mark.slow
def test_full_crawl_finds_every_article_once(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server)
    records, stats, stderr = crawl(site, tmp_path)
    by_url = {r["url"]: r for r in records}
    assert len(records) == len(by_url), "duplicate records"
    assert set(by_url) == {site.base + st.path for st in site.stories}
    for story in site.stories:
        record = by_url[site.base + story.path]
        assert record["published_at"] == story.published  # the page's own offset, kept
        assert schema_errors(record) == []
    requested = [path for path, _ in server.request_log]
    assert not any(p.startswith(("/private/", "/search")) for p in requested)  # robots.txt Disallow
    assert sum(p.startswith("/archive/") for p in requested) == 0  # calendar trap not entered
    assert sorted(article_paths(server, site)) == sorted(st.path for st in site.stories)  # each fetched once
    entry = stats["sites"]["127.0.0.1"]
    assert entry["articles"] == len(site.stories)
    assert entry["skipped"]["calendar"] >= 1
    assert "newscrawl: 14 articles" in stderr and "127.0.0.1:" in stderr


@pytest.mark.slow
def test_newest_first(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server)
    crawl(site, tmp_path, "-s", "CONCURRENT_REQUESTS=1")
    order = article_paths(server, site)
    dated = [st.path for st in site.stories if st.in_sitemap or st.in_feed]  # newest first already
    fetched_dated = [p for p in order if p in dated]
    assert fetched_dated == dated


@pytest.mark.slow
def test_since_fetches_only_recent_articles(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server)
    cutoff = site.stories[5].when  # stories 0..5 are inside the window
    records, stats, _ = crawl(site, tmp_path, "--since", cutoff.isoformat())
    inside = {st.path for st in site.stories if st.when >= cutoff}
    assert {r["url"].replace(site.base, "") for r in records} == inside
    assert set(article_paths(server, site)) <= inside | {st.path for st in site.stories if not st.in_sitemap}
    assert stats["sites"]["127.0.0.1"]["skipped"]["older_than_since"] >= len(site.stories) - len(inside) - 2


@pytest.mark.slow
def test_max_articles_and_max_pages(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server)
    records, stats, _ = crawl(site, tmp_path, "--max-articles", "3")
    assert len(records) == 3
    (tmp_path / "out.jsonl").unlink()
    server.request_log.clear()
    records, stats, _ = crawl(site, tmp_path, "--max-pages", "6")
    assert len(server.request_log) <= 6 + 1  # robots.txt may be fetched by Scrapy's own middleware
    assert stats["sites"]["127.0.0.1"]["skipped"]["max_pages"] >= 1


@pytest.mark.slow
def test_crawl_delay_and_retry_after_are_respected(tmp_path: Path) -> None:
    with MockServer() as server:
        site = LocalNewsSite(server, count=4, robots_extra="Crawl-delay: 0.4\n")
        flaky = site.stories[0].path
        page = server.routes.pop(flaky)

        def flaky_once(path: str, hit: int) -> Route | None:
            if path == flaky:
                return Route(b"busy", 503, {"Retry-After": "1", "Content-Type": "text/html"}) if hit == 1 else page
            return site.calendar(path, hit)

        server.dynamic = flaky_once
        records, _stats, _ = crawl(site, tmp_path)
        assert site.base + flaky in {r["url"] for r in records}
        times = [t for path, t in server.request_times if not path.startswith("/robots.txt")]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= 0.3  # Crawl-delay 0.4 s between requests to the host (minus send jitter)
        first, second = [t for path, t in server.request_times if path == flaky]
        assert second - first >= 0.95  # Retry-After: 1


def test_usage_errors(tmp_path: Path) -> None:
    for args, message in [
        (("crawl", "ftp://example.com/"), "unsupported URL scheme"),
        (("crawl", "http://example.com/", "--since", "yesterday-ish"), "invalid since value"),
        (("crawl", "http://example.com/", "--max-pages", "-3"), "expected a number >= 0"),
        (("crawl", "http://example.com/", "-s", "NOVALUE"), "-s expects NAME=VALUE"),
    ]:
        result = cli(*args)
        assert result.returncode == 2, args
        assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/", "/world/", "/archive/2024/03/20/"])
def test_listing_pages_never_become_records(server: MockServer, tmp_path: Path, path: str) -> None:
    site = LocalNewsSite(server)
    result = run_cli("url", site.base + path, *FAST)
    assert result.stdout == ""
    assert "not_article" in result.stderr and result.returncode == 1
