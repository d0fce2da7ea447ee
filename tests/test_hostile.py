"""Hostile servers: every case is a real `newscrawl crawl` of a local site that also has healthy
articles. Each test checks the crawl finishes, every healthy article is written, the bad
page is counted in the run summary (--stats JSON) under a clear reason, and peak memory
stays bounded.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostileserver import HostileServer, answer, drip, never_answer, reset_mid_body, stream
from tests.hostilesite import (
    GIB,
    MIB,
    Crawl,
    HealthySite,
    brotli_bomb,
    crawl,
    endless_sitemap,
    flaky,
    gzip_bomb,
    huge_page,
    story_path,
    to_cp1258,
)
from tests.mockserver import Route
from tests.pages import article_html, listing_html

pytestmark = pytest.mark.slow  # end-to-end: real crawls (and servers) in subprocesses


@pytest.fixture()
def site() -> Iterator[HealthySite]:
    with HostileServer() as server:
        yield HealthySite(server)


def test_server_errors(site: HealthySite, tmp_path: Path) -> None:
    down = site.add(story_path("always-500"), answer(b"oops", 500, {"Content-Type": "text/html"}))
    hiccup = site.add(story_path("500-once"),
                      flaky(1, Route(b"oops", 500), article_html("Back after a hiccup")))
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert hiccup in {r["url"] for r in result.records}  # retried, then written
    assert result.counted("failed", "server_error") == 1
    assert site.server.hits[down.replace(site.base, "")] == 3  # RETRY_TIMES=2: three tries, no more


def test_503_with_retry_after(site: HealthySite, tmp_path: Path) -> None:
    busy = Route(b"busy", 503, {"Retry-After": "1", "Content-Type": "text/html"})
    later = site.add(story_path("busy-twice"), flaky(2, busy, article_html("Written after two waits")))
    site.add(story_path("gone-for-an-hour"), answer(b"down", 503, {"Retry-After": "3600"}))
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert later in {r["url"] for r in result.records}
    assert result.report["retry_after_waits"] >= 2
    assert result.counted("failed", "server_error") == 1  # an hour is over NEWSCRAWL_RETRY_AFTER_MAX
    assert result.seconds < 60  # and was not waited for


def test_429_too_many_requests(site: HealthySite, tmp_path: Path) -> None:
    site.add(story_path("rate-limited"), answer(b"slow down", 429, {"Content-Type": "text/html"}))
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed", "rate_limited") == 1


def test_connection_reset_mid_body(site: HealthySite, tmp_path: Path) -> None:
    page = article_html("Cut off in the middle").encode()
    site.add(story_path("reset"), reset_mid_body(page, after=len(page) // 3))
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed", "connection_lost") == 1


def test_server_that_never_answers(site: HealthySite, tmp_path: Path) -> None:
    site.add(story_path("silent"), never_answer)
    result = crawl(site, tmp_path, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1")
    result.assert_nothing_lost(site)
    assert result.counted("failed", "timeout") == 1


def test_slow_drip(site: HealthySite, tmp_path: Path) -> None:
    slow_but_done = site.add(story_path("slow-but-done"),
                             drip(article_html("Slow but complete").encode(), interval=0.04, chunk=400))
    site.add(story_path("endless-drip"), drip(b"<html>" + b" " * 10_000, interval=0.2))
    result = crawl(site, tmp_path, "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=0")
    result.assert_nothing_lost(site)
    assert slow_but_done in {r["url"] for r in result.records}
    assert result.counted("failed", "timeout") == 1


def test_redirect_loops_and_long_chains(site: HealthySite, tmp_path: Path) -> None:
    s = site.server
    s.redirect(story_path("loop-a"), story_path("loop-b"))
    s.redirect(story_path("loop-b"), story_path("loop-a"))
    for i in range(12):
        s.redirect(f"/chain/{i}", f"/chain/{i + 1}")
    s.route("/chain/12", article_html("At the end of a long chain"))
    s.redirect(story_path("three-hops"), "/hop/1")
    s.redirect("/hop/1", "/hop/2")
    s.redirect("/hop/2", story_path("landing"))
    s.route(story_path("landing"), article_html("Three hops away"))
    for path in (story_path("loop-a"), "/chain/0", story_path("three-hops")):
        site.sitemap_extra.append(path)
    site.build()
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert site.base + story_path("landing") in {r["url"] for r in result.records}  # within the limit
    assert result.counted("failed", "redirect_loop") == 1
    assert result.counted("failed", "too_many_redirects") == 1
    assert "/chain/5" in s.hits and "/chain/6" not in s.hits  # REDIRECT_MAX_TIMES = 5


def test_redirect_to_another_scheme(site: HealthySite, tmp_path: Path) -> None:
    for name, target in (("to-file", "file:///etc/passwd"), ("to-ftp", "ftp://127.0.0.1/pub/file"),
                         ("to-data", "data:text/html,<title>injected</title>"), ("to-gopher", "gopher://x/")):
        site.add(story_path(name), answer(b"", 302, {"Location": target}))
    site.sitemap_extra += ["file:///etc/passwd", site.base.replace("http:", "ftp:") + story_path("ftp")]
    site.build()  # a sitemap listing other schemes: never fetched either
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed", "redirect_scheme") == 4
    assert result.counted("failed", "unsupported_scheme") == 1  # ftp: no download handler; file: no site
    assert len(result.records) == len(site.good)
    assert "root:" not in "".join(r["text"] for r in result.records)


@functools.lru_cache(maxsize=1)
def bombs() -> dict[str, bytes]:
    return {"gzip": gzip_bomb(GIB), "br": brotli_bomb(GIB)}


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bomb(site: HealthySite, tmp_path: Path, encoding: str) -> None:
    bomb = bombs()[encoding]
    assert len(bomb) < 2 * MIB  # small on the wire, a gigabyte decompressed
    site.add(story_path(f"{encoding}-bomb"), bomb, Content_Encoding=encoding)
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)  # includes peak RSS < 400 MB
    assert result.counted("failed", "decompression_bomb") == 1


def test_sitemap_entity_expansion_bomb(site: HealthySite, tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY e0 "{site.base}/news/lol">{entities}]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e9;</loc></url></urlset>')
    site.server.route("/sitemap.xml", bomb, Content_Type="application/xml")  # a billion URLs if expanded
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)  # the articles are linked from the homepage too
    assert result.counted("failed_links", "xml_entities") == 1


def test_one_gigabyte_sitemap(site: HealthySite, tmp_path: Path) -> None:
    site.server.behave("/sitemap.xml", stream(lambda: endless_sitemap(site.base), "application/xml"))
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed_links", "too_large") == 1
    assert site.server.stats.sent["/sitemap.xml"] < 80 * MIB  # the client hung up at its 50 MiB cap


def test_page_far_over_the_size_limit(site: HealthySite, tmp_path: Path) -> None:
    site.add(story_path("huge-declared"), huge_page(GIB, declared=True))
    site.add(story_path("huge-streamed"), huge_page(GIB, declared=False))
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed", "too_large") == 2
    assert max(site.server.stats.sent.values()) < 40 * MIB


def test_binary_served_as_html(site: HealthySite, tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
    site.add(story_path("image-as-html"), png, Content_Type="text/html; charset=utf-8")
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed", "not_html") == 1


def test_wrong_charset_header(site: HealthySite, tmp_path: Path) -> None:
    title = "Hà Nội công bố ngân sách năm mới cho thành phố"
    utf8 = site.add(story_path("utf8-labelled-latin1"), article_html(title, lang="vi", charset="iso-8859-1"),
                    Content_Type="text/html; charset=iso-8859-1")
    legacy = article_html("Café déjà vu: the menu of the city hall", charset="utf-8").encode("cp1252")
    cp1252 = site.add(story_path("cp1252-labelled-utf8"), legacy, Content_Type="text/html; charset=utf-8")
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    titles = {r["url"]: r["title"] for r in result.records}
    assert titles[utf8] == title
    assert titles[cp1252] == "Café déjà vu: the menu of the city hall"


def test_windows_1258_page(site: HealthySite, tmp_path: Path) -> None:
    title = "Thủ tướng chủ trì hội nghị về phát triển kinh tế số"
    body = article_html(title, lang="vi", charset="windows-1258",
                        body=["Sáng nay, tại Hà Nội, Thủ tướng đã chủ trì hội nghị trực tuyến toàn quốc về "
                              "phát triển kinh tế số và xã hội số trong giai đoạn mới. " * 3] * 4)
    url = site.add(story_path("vietnamese-1258"), to_cp1258(body),
                   Content_Type="text/html; charset=windows-1258")
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    [record] = [r for r in result.records if r["url"] == url]
    assert record["title"] == title  # composed (NFC) again after the decomposed cp1258 bytes
    assert record["language"] == "vi"


def test_empty_200_responses(site: HealthySite, tmp_path: Path) -> None:
    site.add(story_path("empty"), b"", Content_Type="text/html")
    site.add(story_path("blank"), b" \r\n\t ", Content_Type="text/html")
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed", "empty") == 2


def test_malformed_html(site: HealthySite, tmp_path: Path) -> None:
    broken = article_html("Broken markup still has a story")
    broken = broken.replace("</p>", "").replace("</article>", "</div></td>")
    broken = broken.replace("<footer>", "<footer><<<>>><p <b class=>").replace("</html>", "<!-- unterminated")
    written = site.add(story_path("broken-markup"), broken)
    site.add(story_path("deep-nesting"), "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000)
    site.add(story_path("garbage"), "\x00\x01<<html>><body\x00 <p>" * 1000)
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert written in {r["url"] for r in result.records}
    bad = sum(result.site["failed"].values()) + sum(result.site["dropped"].values())
    assert bad == 2  # the deep and the garbage page, each under some reason


def test_link_and_calendar_traps(site: HealthySite, tmp_path: Path) -> None:
    s = site.server

    def traps(path: str, hit: int) -> Route | None:
        if path.startswith("/section/"):  # a relative link that grows the path forever
            return Route(listing_html("Section", [("more/", "More")]).encode())
        if path.startswith("/calendar/"):  # every day links to the next
            day = int(path.rstrip("/").rsplit("/", 1)[-1])
            return Route(listing_html("Day", [(f"/calendar/2024/01/{day + 1}/", "Next day")]).encode())
        return None

    s.dynamic = traps
    site.homepage_extra += ["/section/", "/calendar/2024/01/1/"]
    site.build()
    result = crawl(site, tmp_path, "--depth", "50")
    result.assert_nothing_lost(site)
    assert result.counted("failed_links", "link_trap") == 1
    assert result.counted("skipped", "calendar") >= 1
    trap_requests = [p for p, _ in s.request_log if p.startswith(("/section/", "/calendar/"))]
    assert len(trap_requests) <= 3, trap_requests


@pytest.mark.parametrize("failure", ["500", "timeout"])
def test_robots_txt_that_fails(site: HealthySite, tmp_path: Path, failure: str) -> None:
    if failure == "500":
        site.server.behave("/robots.txt", answer(b"Disallow: /", 500, {"Content-Type": "text/plain"}))
    else:
        site.server.behave("/robots.txt", never_answer)
    result = crawl(site, tmp_path, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0")
    result.assert_nothing_lost(site)  # crawled as if there were no robots.txt
    assert result.counted("failed_links", "robots_error") == 1


def test_feed_that_is_html(site: HealthySite, tmp_path: Path) -> None:
    page = listing_html("Example Times", [(p, "Story") for p in site.good])
    site.server.route("/", page.replace("</head>", '<link rel="alternate" type="application/rss+xml" '
                                                   'href="/feed.xml"></head>'))
    site.server.route("/feed.xml", listing_html("Not a feed at all", []))
    result = crawl(site, tmp_path)
    result.assert_nothing_lost(site)
    assert result.counted("failed_links", "not_a_feed") == 1


def test_every_case_ends_with_a_clean_summary(site: HealthySite, tmp_path: Path) -> None:
    """The healthy site alone: no reason counted at all, so each count above is the bad page's."""
    result: Crawl = crawl(site, tmp_path, "-s", "NEWSCRAWL_WORKERS=2")  # the worker pool, as by default
    result.assert_nothing_lost(site)
    assert result.returncode == 0
    assert result.site["failed"] == {} and result.site["dropped"] == {}
    assert not result.site.get("failed_links")
