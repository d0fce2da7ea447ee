"""Near-duplicates: shingles and signatures, the index and its SQLite store, the pipeline in real
crawls (mark, drop, across runs), and precision/recall on the labelled set in bench/neardup/."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from crawler.items import RawPage
from pipelines.neardup import NearDupIndex, Signer, band_keys, shingles, similarity, words
from pipelines.neardup_store import MemoryStore, SqliteStore
from pipelines.parts import complete_parts, read_part
from pipelines.process import process_page
from pipelines.validate import schema_errors
from tests.conftest import FIXTURES, ROOT, json_lines, run_cli, vn_page
from tests.mockserver import MockServer
from tests.pages import article_html

# Extraction in the crawl process: these tests are not about the worker pool.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSCRAWL_WORKERS=0")


@cache
def real_text(name: str) -> str:
    """The body our own extraction gives for a saved page of tests/fixtures."""
    if name == "seed":
        return str(json.loads((FIXTURES / "seed" / "expected.json").read_text(encoding="utf-8"))["text"])
    html = vn_page(name)
    return process_page(
        RawPage(url=f"https://dantri.com.vn/{name}.htm", html=html, fetched_at="2024-01-01T00:00:00+00:00")
    ).text


def syndicated(text: str) -> str:
    """The same article on a company site: other boilerplate, straight quotes, last paragraph cut."""
    paragraphs = text.replace("“", '"').replace("”", '"').split("\n")
    return "\n".join(["Tin tức - Sự kiện", *paragraphs[:-1], "Theo TTXVN", "Chia sẻ bài viết"])


def index() -> NearDupIndex:
    return NearDupIndex(MemoryStore(), threshold=0.4)


def test_words_and_shingles_ignore_case_punctuation_and_quotes() -> None:
    assert words("“Hội nghị” TOÀN quốc, năm 2023!") == ["hội", "nghị", "toàn", "quốc", "năm", "2023"]
    assert (
        shingles('He said: "We agree."', 2)
        == shingles("he said we  agree", 2)
        == {"he said", "said we", "we agree"}
    )
    assert shingles("short text", 5) == {"short text"}
    assert shingles("... !!", 5) == set()
    assert words("東京都に住む") == ["東", "京", "都", "に", "住", "む"]  # no spaces: one token per character


def test_signature_similarity_estimates_jaccard() -> None:
    signer = Signer(128)
    a = {f"shingle {i}" for i in range(300)}
    b = {f"shingle {i}" for i in range(100, 400)}  # true Jaccard 200 / 400 = 0.5
    estimate = similarity(signer.signature(a), signer.signature(b))
    assert abs(estimate - 0.5) < 0.12
    assert similarity(signer.signature(a), signer.signature(set(a))) == 1.0
    keys = band_keys(signer.signature(a), [(0, 4), (4, 8)])
    assert len(set(keys)) == 2 and keys == band_keys(signer.signature(set(a)), [(0, 4), (4, 8)])


def test_syndicated_copy_links_to_the_first_copy_and_other_articles_do_not() -> None:
    idx = index()
    seed, copy = real_text("seed"), syndicated(real_text("seed"))
    first = idx.query("https://phanlanvandien.vn/tin-tuc/hoi-nghi.html", seed, "h1")
    assert first.match is None
    idx.add(first)
    other = idx.query(
        "https://dantri.com.vn/a.htm", real_text("dantri_6"), "h2"
    )  # same topic family, other article
    assert other.match is None
    idx.add(other)
    same_topic = idx.query("https://dantri.com.vn/b.htm", real_text("dantri_5"), "h3")  # also real estate
    assert same_topic.match is None
    idx.add(same_topic)
    lookup = idx.query("https://baotintuc.vn/hoi-nghi-123.htm", copy, "h4")
    assert lookup.match is not None and not lookup.match.exact
    assert lookup.match.url == "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"
    assert 0.4 <= lookup.match.similarity < 1.0
    idx.add(lookup)
    # A copy of the copy links to the first copy of the group, not to the copy it resembles most.
    again = idx.query("https://other.example/x", copy + "\nBình luận (0)", "h5")
    assert again.match is not None and again.match.url == "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"


def test_exact_copy_by_content_hash_and_own_versions_are_not_copies() -> None:
    idx = index()
    text = real_text("dantri_3")
    idx.add(idx.query("https://dantri.com.vn/gia-vang.htm", text, "same-hash"))
    exact = idx.query("https://mirror.example/gia-vang", "any text: the hash decides", "same-hash")
    assert exact.match is not None and exact.match.exact and exact.match.similarity == 1.0
    assert exact.match.url == "https://dantri.com.vn/gia-vang.htm"
    # A new version of the same article (same canonical URL, www. and tracking ignored) is not a copy of it.
    version = idx.query(
        "https://www.dantri.com.vn/gia-vang.htm?utm_source=x", text + "\nCập nhật lúc 10:00.", "v2"
    )
    assert version.match is None
    # A copy made from an earlier version of this very article does not make it a duplicate either.
    idx.add(idx.query("https://mirror.example/copy", syndicated(text), "copy"))
    assert idx.query("https://dantri.com.vn/gia-vang.htm", text + "\nThêm một đoạn.", "v3").match is None


def test_sqlite_store_keeps_the_index_between_runs(tmp_path: Path) -> None:
    params = NearDupIndex.params(0.4, 128, 5)
    store = SqliteStore(tmp_path / "neardup.sqlite", params)
    first = NearDupIndex(store, threshold=0.4)
    first.add(first.query("https://phanlanvandien.vn/tin-tuc/hoi-nghi.html", real_text("seed"), "h1"))
    first.close()
    reopened = SqliteStore(tmp_path / "neardup.sqlite", params)
    assert reopened.count() == 1
    lookup = NearDupIndex(reopened, threshold=0.4).query(
        "https://copy.example/1", syndicated(real_text("seed")), "h2"
    )
    assert lookup.match is not None and lookup.match.url == "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"
    reopened.close()
    with pytest.raises(ValueError, match="was built with"):  # other bands: the stored keys mean nothing
        SqliteStore(tmp_path / "neardup.sqlite", NearDupIndex.params(0.8, 128, 5))


def article_page(title: str, text: str) -> str:
    return article_html(
        title, lang="vi", site_name="Báo", body=text.split("\n"), date="2023-12-28T09:47:00+07:00"
    )


@pytest.mark.slow
def test_url_command_marks_the_later_copy(server: MockServer) -> None:
    server.route("/robots.txt", "User-agent: *\n", Content_Type="text/plain")
    server.route("/a.html", article_page("Hội nghị toàn quốc", real_text("seed")))
    server.route("/b.html", article_page("Hội nghị toàn quốc tổng kết", syndicated(real_text("seed"))))
    server.route("/c.html", article_page("Giá vàng giảm", real_text("dantri_3")))
    result = run_cli(
        "url",
        server.url("/a.html"),
        server.url("/b.html"),
        server.url("/c.html"),
        *FAST,
        "-s",
        "CONCURRENT_REQUESTS=1",
    )
    assert result.returncode == 0, result.stderr
    records = {r["url"]: r for r in json_lines(result.stdout)}
    assert len(records) == 3 and all(schema_errors(r) == [] for r in records.values())
    a, b = records[server.url("/a.html")], records[server.url("/b.html")]
    marked = [r for r in (a, b) if r["duplicate_of"]]
    assert len(marked) == 1, "exactly the later of the two copies is marked"
    assert marked[0]["duplicate_of"] in (a["url"], b["url"]) and marked[0]["duplicate_of"] != marked[0]["url"]
    assert 0.4 <= marked[0]["duplicate_similarity"] < 1
    assert records[server.url("/c.html")]["duplicate_of"] is None


@pytest.mark.slow
def test_drop_mode_drops_the_copy_with_a_reason(server: MockServer) -> None:
    server.route("/robots.txt", "User-agent: *\n", Content_Type="text/plain")
    server.route("/a.html", article_page("Hội nghị toàn quốc", real_text("seed")))
    server.route("/b.html", article_page("Hội nghị", real_text("seed")))  # the same text: an exact copy
    result = run_cli(
        "url", server.url("/a.html"), server.url("/b.html"), *FAST, "-s", "NEWSCRAWL_NEARDUP_MODE=drop"
    )
    assert result.returncode == 1
    assert len(json_lines(result.stdout)) == 1
    failed = [line for line in result.stderr.splitlines() if " FAILED " in line]
    assert len(failed) == 1 and "near_duplicate: 1.00 similar to" in failed[0], result.stderr
    off = run_cli(
        "url", server.url("/a.html"), server.url("/b.html"), *FAST, "-s", "NEWSCRAWL_NEARDUP_MODE=off"
    )
    assert off.returncode == 0 and [r["duplicate_of"] for r in json_lines(off.stdout)] == [None, None]


def sites_file(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(
        f'[run]\noutput = "out"\nstate = "state"\nallow_private = true\n'
        f"settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_WORKERS = 0 }}\n\n"
        f'[[site]]\nurl = "{base}/"\n',
        encoding="utf-8",
    )
    return path


def serve_sitemap(server: MockServer, paths: list[str]) -> None:
    server.route(
        "/robots.txt", f"User-agent: *\nSitemap: {server.base}/sitemap.xml\n", Content_Type="text/plain"
    )
    urls = "".join(
        f"<url><loc>{server.base}{p}</loc><lastmod>2023-12-28T09:47:00+07:00</lastmod></url>" for p in paths
    )
    server.route(
        "/sitemap.xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        Content_Type="application/xml",
    )
    server.route("/", "<html><body><h1>Tin tức</h1></body></html>")


@pytest.mark.slow
def test_a_copy_in_a_later_run_links_to_the_earlier_run(server: MockServer, tmp_path: Path) -> None:
    server.route("/tin/hoi-nghi.html", article_page("Hội nghị toàn quốc", real_text("seed")))
    server.route("/tin/gia-vang.html", article_page("Giá vàng giảm", real_text("dantri_3")))
    serve_sitemap(server, ["/tin/hoi-nghi.html", "/tin/gia-vang.html"])
    path = sites_file(tmp_path, server.base)
    assert run_cli("run", str(path)).returncode == 0
    server.route(
        "/doi-tac/hoi-nghi-ttxvn.html", article_page("Hội nghị (TTXVN)", syndicated(real_text("seed")))
    )
    serve_sitemap(server, ["/tin/hoi-nghi.html", "/tin/gia-vang.html", "/doi-tac/hoi-nghi-ttxvn.html"])
    second = run_cli("run", str(path))
    assert second.returncode == 0, second.stderr
    records = [r for part in complete_parts(tmp_path / "out") for r in read_part(part)]
    by_url = {r["url"]: r for r in records}
    assert len(records) == 3 == len(by_url)
    copy = by_url[server.url("/doi-tac/hoi-nghi-ttxvn.html")]
    assert copy["duplicate_of"] == server.url("/tin/hoi-nghi.html")
    assert 0.4 <= copy["duplicate_similarity"] < 1
    assert by_url[server.url("/tin/gia-vang.html")]["duplicate_of"] is None
    assert (tmp_path / "state" / "neardup.sqlite").exists()


@pytest.mark.slow
def test_labelled_set_meets_the_targets() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "neardup_eval.py")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    scores = [float(x) for x in re.findall(r"(?:precision|recall) (\d\.\d+)", result.stdout)]
    assert len(scores) == 4 and min(scores) >= 0.95, result.stdout


def test_minhash_is_datasketchs_value_for_value() -> None:
    """Signatures stored by earlier runs (made with datasketch) stay comparable."""
    from datasketch import MinHash
    from datasketch.lsh import _optimal_param

    from pipelines.minhash import lsh_bands, minhash, permutations

    perms = permutations(128, seed=1)
    assert (perms == MinHash(num_perm=128, seed=1).permutations).all()
    for text in ("", "one", "The council approved the budget on Tuesday after a long debate about buses " * 20,
                 "Hà Nội khởi công tuyến đường sắt đô thị mới, người dân kỳ vọng " * 8):
        values = sorted(s.encode("utf-8") for s in shingles(text))
        reference = MinHash(num_perm=128, permutations=perms)
        reference.update_batch(values)
        assert (minhash(values, perms) == reference.hashvalues).all()
    for num_perm in (16, 64, 128, 256):
        for threshold in (0.1, 0.25, 0.4, 0.5, 0.7, 0.9):
            assert lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)
