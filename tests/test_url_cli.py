"""`newscrawl url` and `scrapy crawl news`: real Scrapy crawls of a local HTTP server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.validate import schema_errors
from tests.conftest import ROOT, json_lines, run_cli
from tests.mockserver import MockServer
from tests.pages import article_html, listing_html

pytestmark = pytest.mark.slow  # end-to-end: real crawls (and servers) in subprocesses

# Extraction in the crawl process: these tests are not about the worker pool.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_WORKERS=0")


def populate(server: MockServer) -> None:
    server.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", Content_Type="text/plain")
    server.route("/news/a.html", article_html("Council approves the budget", canonical="/news/a.html?utm_source=x"))
    server.route("/news/b.html", article_html("Bridge repairs start in May", date="2024-03-06T08:30:00-05:00"))
    server.redirect("/old-b", "/news/b.html")
    server.route("/private/secret.html", article_html("Hidden story"))
    server.route("/report.pdf", b"%PDF-1.4 binary", Content_Type="application/pdf")
    server.route("/tags/budget", listing_html("Budget", [("/news/a.html", "Council approves the budget")]))


def test_url_command_records_and_reasons(server: MockServer) -> None:
    populate(server)
    urls = [server.url(p) for p in ("/news/a.html", "/old-b", "/missing", "/private/secret.html",
                                    "/report.pdf", "/tags/budget")]
    result = run_cli("url", *urls, *FAST)
    records = json_lines(result.stdout)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert sorted(r["title"] for r in records) == ["Bridge repairs start in May", "Council approves the budget"]
    for record in records:
        assert schema_errors(record) == []
    a = next(r for r in records if r["title"].startswith("Council"))
    assert a["url"] == server.url("/news/a.html")  # canonical, tracking parameter gone
    assert a["published_at"] == "2024-03-05T10:00:00+01:00"
    assert a["http_status"] == 200 and a["authors"] == ["Jane Doe"]
    b = next(r for r in records if r["title"].startswith("Bridge"))
    assert b["fetched_url"] == server.url("/news/b.html")  # redirect followed
    assert b["published_at"] == "2024-03-06T08:30:00-05:00"
    failed = {line.split()[3].rstrip(":"): line for line in result.stderr.splitlines() if " FAILED " in line}
    assert set(failed) == {server.url(p) for p in ("/missing", "/private/secret.html", "/report.pdf", "/tags/budget")}
    assert "http_error: HTTP 404" in failed[server.url("/missing")]
    assert "robots_disallowed" in failed[server.url("/private/secret.html")]
    assert "not_html" in failed[server.url("/report.pdf")]
    assert "not_article" in failed[server.url("/tags/budget")]
    assert server.hits.get("/private/secret.html") is None  # never requested
    user_agents = {headers.get("User-Agent", "") for _, headers in server.request_log}
    assert all(ua.startswith("newscrawl/") for ua in user_agents)


def test_url_command_all_good_exits_zero_and_writes_file(server: MockServer, tmp_path: Path) -> None:
    populate(server)
    out = tmp_path / "out.jsonl"
    result = run_cli("url", server.url("/news/a.html"), "-o", str(out), *FAST)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    [record] = json_lines(out.read_text(encoding="utf-8"))
    assert record["title"] == "Council approves the budget"


def test_url_command_rejects_bad_urls_before_crawling(server: MockServer) -> None:
    populate(server)
    result = run_cli("url", "file:///etc/passwd", "not a url", server.url("/news/a.html"), *FAST)
    assert result.returncode == 1
    assert "unsupported URL scheme in 'file:///etc/passwd'" in result.stderr
    assert len(json_lines(result.stdout)) == 1
    only_bad = run_cli("url", "ftp://example.com/x")
    assert only_bad.returncode == 2 and only_bad.stdout == ""


def test_scrapy_crawl_news_from_repo_root(server: MockServer, tmp_path: Path) -> None:
    populate(server)
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={server.url('/news/a.html')}",
         "-O", str(out), *FAST], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    [record] = json_lines(out.read_text(encoding="utf-8"))
    assert record["title"] == "Council approves the budget"
    assert list(record)[:3] == ["schema_version", "url", "fetched_url"]
    assert schema_errors(record) == []


def test_scrapy_crawl_refuses_a_newscrawl_number_out_of_range(tmp_path: Path) -> None:
    # Under scrapy (and scrapyd) the add-on checks what `newscrawl` checks on its command line.
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "url=http://127.0.0.1:9/x", "-O",
         str(tmp_path / "out.jsonl"), "-s", "NEWSCRAWL_NEARDUP_THRESHOLD=7"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "setting NEWSCRAWL_NEARDUP_THRESHOLD must be above 0 and at most 1, got '7'" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()
