"""The run's numbers add up: the summary on stderr, the --stats JSON and the progress line
use the same counters under the same names, article_pages = articles + dropped, limits are
skips (not failures), Scrapy's retry ERROR lines stay out of a quiet run, and a site with
no server behind its first request ends at once."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from crawler.extensions.progress import Progress
from crawler.extensions.summary import format_summary, site_counters, totals
from tests.conftest import run_cli
from tests.hostileserver import HostileServer, answer
from tests.hostilesite import FAST, HealthySite, crawl, story_path
from tests.pages import article_html, listing_html


@pytest.fixture()
def site() -> Iterator[HealthySite]:
    with HostileServer() as server:
        yield HealthySite(server)


def busy_site(site: HealthySite) -> None:
    """One of each: a redirect, a dead article link, a page that is no article, a server
    error, a calendar trap."""
    moved = story_path("moved-here")
    site.server.route(moved, article_html("A story that moved", canonical=moved))
    site.server.redirect(story_path("old-address"), moved)
    site.homepage_extra += [story_path("old-address"), story_path("removed")]  # removed: a 404 link
    site.add("/news/tags-page-listed-as-a-story.html", listing_html("Tags", [("/world", "World")]))
    site.add(story_path("always-500"), answer(b"oops", 500, {"Content-Type": "text/html"}))
    site.homepage_extra.append("/archive/2024/01/")  # a calendar page: never followed
    site.build()


@pytest.mark.slow
def test_summary_json_and_text_add_up(site: HealthySite, tmp_path: Path) -> None:
    busy_site(site)
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    entry, report = result.site, result.report
    assert entry["article_pages"] == entry["articles"] + sum(entry["dropped"].values()), entry
    assert entry["redirects"] >= 1 and entry["failed"] == {"server_error": 1}
    assert entry["failed_links"].get("http_error") == 1 and entry["skipped"].get("calendar") == 1
    assert entry["dropped"].get("not_article") == 1
    for name in ("pages", "redirects", "article_pages", "articles"):
        assert report[name] == sum(e[name] for e in report["sites"].values())
    assert "non_articles" not in entry  # it only repeated dropped.not_article
    # The text says the same numbers as the JSON, and never "errors" for what the JSON calls otherwise.
    text = result.stderr[result.stderr.index("newscrawl: "):]
    assert f"{report['articles']} articles from {report['pages']} pages" in text
    assert (f"{entry['articles']} articles from {entry['article_pages']} article pages; "
            f"{entry['pages']} pages, {entry['redirects']} redirects") in text
    assert "non-articles" not in text
    for group in ("dropped", "failed", "failed_links", "skipped"):
        for reason, count in entry[group].items():
            assert re.search(rf"{group} \([^)]*\): .*\b{reason} {count}\b", text), (group, reason, text)
    # Scrapy's "Gave up retrying" ERROR lines repeat the summary's server_error: not without -v.
    assert "Gave up retrying" not in result.stderr and "ERROR" not in result.stderr


def test_progress_line_uses_the_summary_counters() -> None:
    stats: dict[str, Any] = {
        "response_received_count": 99,  # the global count is not what the summary adds up
        "newscrawl/site/a.com/pages": 10, "newscrawl/site/a.com/articles": 4,
        "newscrawl/site/a.com/article_pages": 5, "newscrawl/site/a.com/dropped/not_article": 1,
        "newscrawl/site/a.com/failed_links/http_error": 26, "newscrawl/site/b.com/pages": 3,
        "newscrawl/site/b.com/failed/dns": 1, "newscrawl/site/b.com/skipped/calendar": 106,
    }
    crawler = SimpleNamespace(stats=SimpleNamespace(get_stats=lambda: stats), engine=None,
                              signals=SimpleNamespace(connect=lambda *a, **k: None))
    line = Progress(crawler, 5.0).line()  # type: ignore[arg-type]
    assert re.match(r"newscrawl: articles 4 \| pages 13 \(.*/s\) \| queue \? \| dropped 1 \| failed 1 \| "
                    r"failed_links 26 \| skipped 106$", line), line
    sites = site_counters(stats)
    summary = {"articles": 4, "pages": 13, "elapsed_seconds": 1.0, "finish_reason": "finished",
               "sites": sites}
    assert totals(sites)["pages"] == 13
    text = format_summary(summary)
    assert "newscrawl: 4 articles from 13 pages" in text
    assert "failed_links (other URLs not fetched): http_error 26" in text
    # after a write error the headline says how many of the articles were not written
    failed = format_summary({**summary, "finish_reason": "output_error", "discarded_records": 3})
    assert failed.startswith("newscrawl: 4 articles from 13 pages") and "3 of them discarded" in failed
    assert "1 written" in failed.splitlines()[0]


@pytest.mark.slow
def test_article_quota_is_a_skip_not_a_failure(site: HealthySite, tmp_path: Path) -> None:
    for i in range(40):  # more than Scrapy keeps in flight: the later ones meet the quota unsent
        site.add(story_path(f"extra-{i}"), article_html(f"Extra story number {i}"))
    result = crawl(site, tmp_path, "--max-articles", "1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert len(result.records) == 1, result.stderr
    entry = result.site
    assert "ignored" not in str(entry) and entry["failed"] == {} and not entry.get("failed_links"), entry
    assert entry["skipped"].get("max_articles", 0) > 0, entry
    assert entry["skipped"]["max_articles"] + entry["dropped"].get("over_max_articles", 0) == 42, entry


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once it is closed


@pytest.mark.slow
def test_a_site_without_a_server_ends_at_its_first_request(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    stats = tmp_path / "stats.json"
    result = run_cli("crawl", base + "/", "-o", str(tmp_path / "out.jsonl"), "--stats", str(stats), *FAST)
    assert result.returncode == 1 and "no articles from 127.0.0.1" in result.stderr
    report = json.loads(stats.read_text(encoding="utf-8"))
    # robots.txt once, not retried, and no sitemap guesses or homepage after it
    assert report["requests"] == 1, report
    assert report["sites"]["127.0.0.1"]["failed"] == {"connection_refused": 1}
    assert "Gave up retrying" not in result.stderr
    to_stdout = run_cli("crawl", base + "/", *FAST)  # no stats file asked for: the same exit status
    assert to_stdout.returncode == 1 and "no articles from 127.0.0.1" in to_stdout.stderr
    one = run_cli("url", base + "/news/a.html", *FAST)
    assert one.returncode == 1 and "FAILED" in one.stderr and "Gave up retrying" not in one.stderr


def write_sites(tmp_path: Path, base: str, run_table: str) -> Path:
    path = tmp_path / "news.toml"
    path.write_text(f"{run_table}\n[[site]]\nurl = \"{base}/\"\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_run_without_run_table_names_its_own_directories(site: HealthySite, tmp_path: Path) -> None:
    refused = run_cli("run", str(write_sites(tmp_path, site.base, "")))
    # Loopback is refused in run mode: the message names the key that allows it.
    assert refused.returncode == 1 and "allow_private = true" in refused.stderr, refused.stderr
    assert f"records in {tmp_path / 'news-out'}" in refused.stderr, refused.stderr
    assert f"state in {tmp_path / 'news-state'}" in refused.stderr
    # Nothing written: no run=ID/ folder holding only a .lock.
    assert list((tmp_path / "news-out").rglob("*")) == []
    fast = "[run]\nallow_private = true\nsettings = { DOWNLOAD_DELAY = 0, NEWSCRAWL_WORKERS = 0 }"
    allowed = run_cli("run", str(write_sites(tmp_path, site.base, fast)))
    assert allowed.returncode == 0, allowed.stderr
    assert "3 new records under" in allowed.stderr
    runs = list((tmp_path / "news-out").glob("date=*/run=*"))
    assert len(runs) == 1
    assert sorted(p.name for p in runs[0].iterdir()) == ["_manifest.jsonl", "part-00000.jsonl.gz"]
    assert (tmp_path / "news-state" / "runs").is_dir() and not (tmp_path / "out").exists()


def test_reports_written_at_once_by_several_writers(tmp_path: Path) -> None:
    """Workers of a distributed run share the state directory and write last-run.json each."""
    from concurrent.futures import ThreadPoolExecutor

    from crawler.extensions.summary import write_json_atomically

    path = tmp_path / "last-run.json"

    def write(n: int) -> None:
        for i in range(150):
            write_json_atomically(path, {"writer": n, "i": i})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))  # re-raises a writer's error
    assert json.loads(path.read_text(encoding="utf-8"))["i"] == 149
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last-run.json"]  # no temporary left
