"""`newscrawl extract` over CC-NEWS-style WARC files built here with warcio from real pages (the
vendored AEB pages and their URLs): the same records as the pages extracted one by one, every
other record counted by reason, filters before extraction, `-j 2` the same as `-j 0`, and a
run killed mid-archive resumed to the same output."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from crawler.items import RawPage
from crawler.pageanalysis import PageJob
from crawler.pageanalysis import analyze_page as analyze
from tests.ccnews import TRUNCATE_AT, Capture, write_warc
from tests.conftest import json_lines, run_cli

AEB = Path(__file__).resolve().parent.parent / "bench" / "data" / "aeb"
# Fields that say when and from where, not what: a saved file has no status and its mtime as date.
PROVENANCE = {"fetched_at", "input", "http_status"}


def aeb_pages(count: int) -> list[tuple[str, bytes]]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(truth)[:count]:
        pages.append((truth[name]["url"], gzip.decompress((AEB / "html" / f"{name}.html.gz").read_bytes())))
    return pages


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, bytes]]]:
    """12 article pages, each captured once, and every kind of record CC-NEWS has around them."""
    folder = tmp_path_factory.mktemp("ccnews")
    pages = aeb_pages(12)
    captures = [Capture(url, body, date=f"2024-03-0{1 + i % 6}T08:00:00Z") for i, (url, body) in enumerate(pages)]
    captures[3].content_type = None  # no Content-Type: the archive's sniffing says HTML
    captures[5].content_type = "text/html"  # no charset in the header
    extras = [
        Capture(pages[0][0], pages[0][1], revisit_of=captures[0], date="2024-03-07T08:00:00Z"),
        Capture("https://example.com/report.pdf", b"%PDF-1.7\n" + b"\x00\x01" * 500, content_type="application/pdf"),
        Capture("https://example.com/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, content_type="image/png"),
        Capture("https://example.com/feed.xml", b"<?xml version='1.0'?><rss><channel/></rss>",
                content_type="application/rss+xml"),
        Capture("https://example.com/old", b"", status=301, headers=[("Location", "https://example.com/new")]),
        Capture("https://example.com/gone", b"<html><body>Not found</body></html>", status=404),
        Capture("dns:example.com", b"20240306080000\nexample.com. 300 IN A 93.184.216.34\n",
                target_scheme_http=False),
        Capture("https://example.com/huge-live-blog", pages[1][1] + b" " * TRUNCATE_AT, truncate_at=TRUNCATE_AT),
    ]
    mixed = [captures[0], extras[0], *captures[1:4], *extras[1:4], *captures[4:8], *extras[4:7], *captures[8:],
             extras[7]]
    return write_warc(folder / "CC-NEWS-20240306080000-00001.warc.gz", mixed), pages


def by_url(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["url"]: {k: v for k, v in r.items() if k not in PROVENANCE} for r in records if "error" not in r}


def test_ccnews_archive_gives_the_pages_records_and_counts_the_rest(
        archive: tuple[Path, list[tuple[str, bytes]]], tmp_path: Path) -> None:
    warc, pages = archive
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    result = run_cli("extract", str(warc), "-o", str(out), "--stats", str(stats), "-j", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    records = json_lines(out.read_text(encoding="utf-8"))
    counts = json.loads(stats.read_text(encoding="utf-8"))
    assert counts["skipped/revisit"] == 1 and counts["skipped/not_html"] == 3 and counts["skipped/status"] == 2
    assert counts["skipped/not_http"] == 1 and counts["truncated"] == 1 and counts["extracted"] == 13
    assert counts["warc_request"] == 19 and counts["warc_metadata"] == 18 and counts["warc_warcinfo"] == 1
    assert counts["warc_response"] == 19 and counts["warc_revisit"] == 1 and counts["warc_records"] == 58
    assert "archives:" in result.stderr and "1 revisit" in result.stderr
    assert all(r["input"].startswith(f"{warc}#") for r in records)
    # The same records as each page extracted alone with its URL (what a crawl of it would build).
    # Nothing in a foreign archive says a page was listed as an article: its own signals decide,
    # as for a page the crawl reached by a link (the Korean page has none of them).
    singles = [analyze(PageJob(RawPage(url=url, html="", fetched_at="2024-03-06T08:00:00+00:00"), body=body,
                               expect_article=False)) for url, body in pages]
    expected = by_url([result.record.to_dict() for result in singles if result.record is not None])
    assert len(expected) == 11 and counts["skipped/not_article"] == 1
    got = by_url(records)
    assert set(expected) == set(got)  # the truncated copy of page 1 is one more copy of its URL
    assert counts["skipped/duplicate_url"] == 1
    for url, record in expected.items():
        assert got[url] == record, url


def test_filters_apply_before_extraction(archive: tuple[Path, list[tuple[str, bytes]]], tmp_path: Path) -> None:
    warc, _ = archive
    stats = tmp_path / "stats.json"
    # Site and URL pattern: decided on the archived URL, before extraction.
    result = run_cli("extract", str(warc), "--site", "nytimes.com", "--site", "https://www.wsj.com/",
                     "--url-pattern", r"/(?:articles|2019)/", "--stats", str(stats), "-j", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    counts = json.loads(stats.read_text(encoding="utf-8"))
    assert sorted(r["url"].split("/")[2] for r in json_lines(result.stdout)) == ["www.nytimes.com", "www.wsj.com"]
    assert counts["extracted"] == 2 and counts["filtered/site"] == 11 and "filtered before extraction: 11 site" \
        in result.stderr
    # Since: pages fetched before it are never read; the others lose records published before it
    # (the AEB pages are from 2019). Language: a page declaring Korean is skipped unread.
    result = run_cli("extract", str(warc), "--since", "2024-03-03", "--language", "en", "--stats", str(stats),
                     "-j", "0")
    counts = json.loads(stats.read_text(encoding="utf-8"))
    fetched_before = sum(1 for i in range(12) if 1 + i % 6 < 3)
    assert counts["filtered/since"] == fetched_before and counts["filtered/language"] == 1
    assert counts["extracted"] == 13 - fetched_before - 1
    kept = json_lines(result.stdout)
    assert counts["dropped/older_than_since"] >= 6 and counts.get("records", 0) == len(kept)
    assert all(r["published_at"] is None and r["language"] == "en" for r in kept)
    bad = run_cli("extract", str(warc), "--url-pattern", "(")
    assert bad.returncode == 2 and "--url-pattern '('" in bad.stderr
    assert run_cli("extract", str(warc), "--language", "english").returncode == 2


@pytest.mark.slow
def test_parallel_extraction_writes_the_same_lines(archive: tuple[Path, list[tuple[str, bytes]]],
                                                  tmp_path: Path) -> None:
    warc, _ = archive
    one = run_cli("extract", str(warc), "-j", "0")
    two = run_cli("extract", str(warc), "-j", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout and one.stdout.count("\n") == 11


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_output(archive: tuple[Path, list[tuple[str, bytes]]],
                                               tmp_path: Path) -> None:
    warc, _ = archive
    stats = tmp_path / "whole.json"
    whole = json_lines(run_cli("extract", str(warc), "-j", "0", "--stats", str(stats)).stdout)
    out = tmp_path / "resumed.jsonl"
    progress = tmp_path / ".resumed.jsonl.progress"
    cmd = [sys.executable, "-m", "crawler.cli", "extract", str(warc), "-o", str(out), "-j", "0", "--checkpoint", "0"]
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not progress.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    if killed:
        state = json.loads(progress.read_text(encoding="utf-8"))
        assert not out.exists() and state["position"][1] > 0
    result = run_cli("extract", str(warc), "-o", str(out), "-j", "0", "--stats", str(tmp_path / "resumed.json"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert ("resuming" in result.stderr) == killed
    assert json_lines(out.read_text(encoding="utf-8")) == whole  # nothing lost, nothing twice
    assert not progress.exists()
    counts = json.loads((tmp_path / "resumed.json").read_text(encoding="utf-8"))
    counts.pop("resumed", None)
    assert counts == json.loads(stats.read_text(encoding="utf-8"))  # every WARC record counted once
