"""`newscrawl fixture`: a page becomes a site fixture (page + expected record to review) that the
profile tests load and pass as written."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from crawler.sitefixtures import field_mismatches, load_site_fixtures, run_fixture
from tests.conftest import FIXTURES, cli, run_cli
from tests.hostileserver import HostileServer

VNEXPRESS = FIXTURES / "profiles" / "vnexpress"
SLUG = "ung-thu-lymphoma-ruot-non"
URL = json.loads((VNEXPRESS / "meta.json").read_text(encoding="utf-8"))[SLUG]["url"]


def test_saved_page_becomes_a_fixture_that_passes(tmp_path: Path) -> None:
    result = cli("fixture", URL, "--from", str(VNEXPRESS / f"{SLUG}.html.gz"), "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    slug = "dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454"
    assert result.stdout.split() == [str(tmp_path / "vnexpress" / name)
                                     for name in (f"{slug}.html.gz", f"{slug}.json", "meta.json")]
    assert "review" in result.stderr and "pytest tests/test_profiles.py -k vnexpress" in result.stderr
    [fx] = load_site_fixtures(tmp_path)
    assert (fx.site, fx.slug, fx.url) == ("vnexpress", slug, URL)
    assert fx.provenance.startswith("real page from ")  # what tests/test_profiles.py requires
    assert gzip.decompress((tmp_path / "vnexpress" / f"{slug}.html.gz").read_bytes()) == gzip.decompress(
        (VNEXPRESS / f"{SLUG}.html.gz").read_bytes())  # the page byte for byte
    assert field_mismatches(fx, run_fixture(fx)) == []
    reviewed = json.loads((VNEXPRESS / f"{SLUG}.json").read_text(encoding="utf-8"))
    for name in ("title", "authors", "published_at", "description"):
        assert fx.expected[name] == reviewed[name], name  # the draft agrees with the reviewed fixture
    assert reviewed["first_sentence"] in run_fixture(fx)["text"]
    assert fx.expected["not_in_text"] == []  # left for the reviewer


def test_a_second_page_joins_the_site_folder(tmp_path: Path) -> None:
    page = str(VNEXPRESS / f"{SLUG}.html.gz")
    assert cli("fixture", URL, "--from", page, "--dir", str(tmp_path), "--slug", "first").returncode == 0
    assert cli("fixture", URL, "--from", page, "--dir", str(tmp_path), "--slug", "second").returncode == 0
    assert [fx.slug for fx in load_site_fixtures(tmp_path)] == ["first", "second"]


def test_fixture_usage_errors(tmp_path: Path) -> None:
    page = str(VNEXPRESS / f"{SLUG}.html.gz")
    unknown = cli("fixture", URL, "--profile", "nosuch", "--from", page, "--dir", str(tmp_path))
    assert unknown.returncode == 2 and "unknown profile 'nosuch'" in unknown.stderr
    uncovered = cli("fixture", "https://example.com/a-story.html", "--from", page, "--dir", str(tmp_path))
    assert uncovered.returncode == 2 and "docs/add-a-site.md" in uncovered.stderr
    wrong = cli("fixture", URL, "--profile", "dantri", "--from", page, "--dir", str(tmp_path))
    assert wrong.returncode == 2 and "covers dantri.com.vn" in wrong.stderr
    listing = tmp_path / "listing.html"
    listing.write_text("<html><body><h1>Tags</h1><a href='/a'>A</a></body></html>", encoding="utf-8")
    refused = cli("fixture", URL, "--from", str(listing), "--dir", str(tmp_path / "out"))
    assert refused.returncode == 1 and "not_article" in refused.stderr and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_fetched_page_is_saved_as_it_came(tmp_path: Path) -> None:
    """Through the crawl itself (robots.txt first, our User-Agent), the site behind a proxy."""
    page = gzip.decompress((VNEXPRESS / f"{SLUG}.html.gz").read_bytes())
    with HostileServer(name="vnexpress.net") as proxy:  # answers proxy requests for the site itself
        proxy.route("/robots.txt", "User-agent: *\nAllow: /\n", Content_Type="text/plain")
        proxy.route("/dau-bung-4954454.html", page)
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")}
        env["http_proxy"] = f"http://127.0.0.1:{proxy.base.rsplit(':', 1)[1]}"
        url = "http://vnexpress.net/dau-bung-4954454.html"
        result = run_cli("fixture", url, "--dir", str(tmp_path), env=env)
        assert result.returncode == 0, result.stderr
        asked = [path for path, _ in proxy.request_log]
    assert asked[0].endswith("/robots.txt") and asked[-1].endswith("/dau-bung-4954454.html")
    [fx] = load_site_fixtures(tmp_path)
    assert gzip.decompress((tmp_path / "vnexpress" / "dau-bung-4954454.html.gz").read_bytes()) == page
    assert fx.provenance.startswith(f"real page from {url}, fetched by newscrawl fixture on ")
    assert fx.expected["published_at"] == "2025-10-22T19:25:52+07:00"
