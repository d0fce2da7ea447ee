"""WARC archives: a real crawl with --warc, re-extracted by `newscrawl extract FILE.warc.gz` into the
same records; rotation and crash-safe names; the sites-file key; unreadable archives."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipelines.parts import complete_parts, read_part
from pipelines.validate import schema_errors
from tests.conftest import cli, json_lines, run_cli
from tests.mockserver import MockServer
from tests.testsite import LocalNewsSite

FAST = (
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "-s",
    "NEWSCRAWL_WORKERS=0",  # extraction in the crawl process: these tests are not about the worker pool
)
NEWEST = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=1)
# What may differ between the crawl and the re-extraction: when (WARC-Date vs. the moment the
# callback ran) and the run-level fields the pipelines add after extraction.
RUN_FIELDS = {"fetched_at", "duplicate_of", "duplicate_similarity", "input"}


def crawl_with_warc(
    site: LocalNewsSite, tmp_path: Path, *extra: str
) -> tuple[list[dict[str, Any]], list[Path]]:
    out = tmp_path / "crawl.jsonl"
    result = run_cli(
        "crawl", site.base + "/", "-o", str(out), "--warc", str(tmp_path / "warc"), *FAST, *extra
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert not list((tmp_path / "warc").glob(".*")), "an unfinished WARC file was left"
    return json_lines(out.read_text(encoding="utf-8")), sorted((tmp_path / "warc").glob("*.warc.gz"))


@pytest.mark.slow
def test_warc_of_a_crawl_reextracts_to_the_same_records(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, newest=NEWEST)
    crawled, warcs = crawl_with_warc(site, tmp_path)
    assert len(warcs) == 1 and warcs[0].name.startswith("newscrawl-")
    assert len(crawled) == len(site.stories)
    with warcs[0].open("rb") as stream:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.http_headers and r.http_headers.get_statuscode(),
            )
            for r in ArchiveIterator(stream)
        ]
    kinds = [kind for kind, _, _ in records]
    assert kinds[0] == "warcinfo" and kinds.count("response") == kinds.count("request") == kinds.count(
        "metadata"
    )
    responses = {(uri, status) for kind, uri, status in records if kind == "response"}
    assert (server.url("/robots.txt"), "200") in responses and (
        server.url("/old/story-0"),
        "301",
    ) in responses
    assert (
        server.url("/sitemaps/posts.xml.gz"),
        "200",
    ) in responses  # every fetched response, not only pages
    result = run_cli("extract", str(warcs[0]))
    assert result.returncode == 0, result.stderr
    extracted = json_lines(result.stdout)
    assert sorted(r["content_hash"] for r in extracted) == sorted(r["content_hash"] for r in crawled)
    by_url = {r["url"]: r for r in crawled}
    assert set(by_url) == {r["url"] for r in extracted}
    for record in extracted:
        assert schema_errors(record) == []
        assert record["input"].startswith(f"{warcs[0]}#")
        original = by_url[record["url"]]
        assert {k: v for k, v in record.items() if k not in RUN_FIELDS} == {
            k: v for k, v in original.items() if k not in RUN_FIELDS
        }
        assert abs(
            datetime.fromisoformat(record["fetched_at"]) - datetime.fromisoformat(original["fetched_at"])
        ) < timedelta(seconds=30)


@pytest.mark.slow
def test_rotation_gives_complete_files_that_extract_together(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, newest=NEWEST)
    crawled, warcs = crawl_with_warc(site, tmp_path, "-s", "NEWSCRAWL_WARC_MAX_BYTES=20000")
    assert len(warcs) >= 3
    for path in warcs:  # each rotated file is a whole WARC starting with its warcinfo
        with path.open("rb") as stream:
            assert next(iter(ArchiveIterator(stream))).rec_type == "warcinfo"
    result = run_cli("extract", *map(str, warcs))
    assert result.returncode == 0, result.stderr
    assert sorted(r["content_hash"] for r in json_lines(result.stdout)) == sorted(
        r["content_hash"] for r in crawled
    )


@pytest.mark.slow
def test_sites_file_warc_key(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, count=6, newest=NEWEST)
    path = tmp_path / "sites.toml"
    path.write_text(
        f'[run]\noutput = "out"\nstate = "state"\nwarc = "archive"\nallow_private = true\n'
        f"settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_WORKERS = 0 }}\n\n"
        f'[[site]]\nurl = "{site.base}/"\n',
        encoding="utf-8",
    )
    result = run_cli("run", str(path))
    assert result.returncode == 0, result.stderr
    warcs = sorted((tmp_path / "archive").glob("*.warc.gz"))
    assert warcs
    written = [r for part in complete_parts(tmp_path / "out") for r in read_part(part)]
    extracted = json_lines(run_cli("extract", *map(str, warcs)).stdout)
    assert {r["content_hash"] for r in extracted} == {r["content_hash"] for r in written}
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(f'[run]\nwarc = 3\n[[site]]\nurl = "{site.base}/"\n', encoding="utf-8")
    bad = run_cli("run", str(wrong))
    assert bad.returncode == 2 and "run.warc must be a string" in bad.stderr


def test_unreadable_archive_and_bad_warc_option(tmp_path: Path) -> None:
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(
        gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
    )
    (tmp_path / "not-a-warc.warc").write_text("<html>hello</html>")
    result = cli("extract", str(broken), str(tmp_path / "not-a-warc.warc"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = json_lines(result.stdout)
    assert [line["input"] for line in lines] == [str(broken), str(tmp_path / "not-a-warc.warc")]
    missing = cli("extract", str(broken), str(tmp_path / "missing.warc.gz"))  # a bad argument
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr and not missing.stdout
    assert all(line["error"].startswith("unreadable: ") for line in lines), lines
    a_file = tmp_path / "file"
    a_file.write_text("x")
    bad = cli("crawl", "http://127.0.0.1:9/", "--warc", str(a_file))
    assert bad.returncode == 2 and "is not a directory" in bad.stderr
    assert json.loads(json.dumps(lines))  # the error lines are plain JSON
