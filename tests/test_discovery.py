"""Sitemap, feed and link parsing: the pure functions behind site discovery."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest

from crawler.discovery.feeds import feed_links, parse_feed
from crawler.discovery.links import page_links, url_kind
from crawler.discovery.sitemaps import parse_sitemap, sitemaps_in_robots
from crawler.frontier import Frontier
from crawler.profiles import SiteProfile
from crawler.spiders import discovery as spider_discovery
from crawler.spiders.news import NewsSpider
from crawler.urls import canonical_url, dedup_key
from pipelines.limits import parse_since
from pipelines.state import SqliteStateStore, Written


def test_robots_sitemap_lines() -> None:
    text = "User-agent: *\nDisallow: /x\nSitemap: https://a.com/s1.xml\nsitemap:https://a.com/s2.xml\n"
    assert sitemaps_in_robots(text) == ["https://a.com/s1.xml", "https://a.com/s2.xml"]


def test_news_sitemap_keeps_publication_date_over_lastmod() -> None:
    body = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://a.com/x-1</loc><lastmod>2024-03-06</lastmod><news:news>
        <news:publication_date>2024-03-05T10:00:00-05:00</news:publication_date></news:news></url>
      <url><loc>https://a.com/y-2</loc><lastmod>2024-03-04T08:00:00Z</lastmod></url></urlset>"""
    sitemap = parse_sitemap(body)
    assert not sitemap.is_index
    assert [(e.url, e.date) for e in sitemap.entries] == [
        ("https://a.com/x-1", "2024-03-05T10:00:00-05:00"), ("https://a.com/y-2", "2024-03-04T08:00:00Z")]


def test_sitemap_index() -> None:
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://a.com/s1.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap></sitemapindex>"""
    sitemap = parse_sitemap(body)
    assert sitemap.is_index and sitemap.entries[0].url == "https://a.com/s1.xml.gz"


def test_sitemap_entity_bomb_is_not_expanded() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
                       for i in range(1, 10))
            + b']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.com/&lol9;</loc></url></urlset>')
    sitemap = parse_sitemap(bomb)
    assert all(len(e.url) < 1000 for e in sitemap.entries)


@pytest.mark.parametrize("body", [b"<html><body>Not a sitemap</body></html>", b"", b"\x00\x01binary"])
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_sitemap(body)


def test_rss_atom_and_json_feeds() -> None:
    rss = b"""<rss version="2.0"><channel><item><title>A</title><link>https://a.com/a-1?utm_source=rss</link>
      <pubDate>Tue, 05 Mar 2024 10:00:00 -0500</pubDate></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/b-2"/>
      <published>2024-03-05T10:00:00+01:00</published></entry></feed>"""
    jsonfeed = json.dumps({"version": "https://jsonfeed.org/version/1.1",
                           "items": [{"url": "https://a.com/c-3", "date_published": "2024-03-05T10:00:00Z"}]}).encode()
    assert [(e.url, e.date) for e in parse_feed(rss, "https://a.com/")] == [
        ("https://a.com/a-1?utm_source=rss", "Tue, 05 Mar 2024 10:00:00 -0500")]
    assert [(e.url, e.date) for e in parse_feed(atom, "https://a.com/feed")] == [
        ("https://a.com/b-2", "2024-03-05T10:00:00+01:00")]
    assert [e.url for e in parse_feed(jsonfeed, "https://a.com/")] == ["https://a.com/c-3"]


def test_html_served_as_feed_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_feed(b"<!DOCTYPE html><html><body><p>Feed moved</p></body></html>", "https://a.com/")


def test_feed_autodiscovery() -> None:
    tree = lxml.html.document_fromstring(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="alternate" type="text/html" href="/en"></head><body></body></html>')
    assert feed_links(tree, "https://a.com/x") == ["https://a.com/rss.xml"]


@pytest.mark.parametrize(("url", "kind"), [
    ("https://a.com/", "listing"),
    ("https://a.com/world/", "listing"),
    ("https://a.com/tag/budget", "listing"),
    ("https://a.com/world/?page=3", "pagination"),
    ("https://a.com/archive/2024/03/05/", "calendar"),
    ("https://a.com/news?date=2024-03-05", "calendar"),
    ("https://a.com/files/report.pdf", "asset"),
    ("https://a.com/world/2024/03/05/council-approves-new-budget", "article"),
    ("https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-4954454.html", "article"),
    ("https://tuoitre.vn/slug-20250919211145294.htm", "article"),
])
def test_url_kinds(url: str, kind: str) -> None:
    assert url_kind(url) == kind


def test_page_links_resolve_base_and_drop_fragments() -> None:
    tree = lxml.html.document_fromstring(
        '<html><head><base href="https://a.com/news/"><link rel="next" href="?page=2"></head><body>'
        '<a href="x-1#c">x</a><a href="mailto:a@b">m</a><a href="javascript:void(0)">j</a>'
        '<a href="https://b.com/y">y</a><a rel="nofollow" href="/z">z</a></body></html>')
    links, following = page_links(tree, "https://a.com/ignored")
    assert links == ["https://a.com/news/x-1", "https://b.com/y"]
    assert following == ["https://a.com/news/?page=2"]


def test_canonical_urls() -> None:
    url = "HTTPS://WWW.Example.com:443/a/b?utm_source=x&id=2&fbclid=y&a=1#frag"
    assert canonical_url(url) == "https://www.example.com/a/b?a=1&id=2"
    assert canonical_url(canonical_url(url)) == canonical_url(url)
    assert dedup_key("https://www.example.com/a") == dedup_key("http://example.com/a#x")


def test_frontier_since_and_dedup() -> None:
    frontier = Frontier(since=datetime(2024, 3, 1, tzinfo=timezone.utc))
    frontier.add_site("https://a.com/")
    assert frontier.offer_article("https://a.com/x-1-2-3", "2024-02-01T00:00:00Z").skipped == "older_than_since"
    assert frontier.offer_article("https://a.com/x-1-2-3").skipped == "seen"  # remembered: never fetched later
    fresh = frontier.offer_article("https://www.a.com/y-1-2-3?utm_source=rss", "2024-03-05T10:00:00+07:00")
    assert fresh.url == "https://www.a.com/y-1-2-3"
    assert frontier.offer_article("https://a.com/y-1-2-3").skipped == "seen"  # www. and utm twins are one
    assert frontier.offer_article("https://elsewhere.com/z-1-2").skipped == "offsite"


def test_frontier_asks_the_state_once_per_page_of_links(tmp_path: Path) -> None:
    state = SqliteStateStore(tmp_path / "state.sqlite")
    state.apply_part("part-1", [Written(dedup_key("https://a.com/old-1-2-3"), "https://a.com/old-1-2-3", "h", None)],
                     "2024-03-01T00:00:00Z")
    single: list[str] = []
    many: list[list[str]] = []

    def article(key: str) -> Written | None:
        single.append(key)
        return state.article(key)

    def articles(keys: Sequence[str]) -> dict[str, Written]:
        many.append(list(keys))
        return state.articles(keys)

    frontier = Frontier(written_before=article, written_many=articles)
    frontier.add_site("https://a.com/")
    assert frontier.offer_article("https://a.com/first-1-2-3").url  # not prefetched: asked alone
    links = ["https://a.com/old-1-2-3", "https://www.a.com/new-1-2-3", "https://a.com/first-1-2-3",
             "https://elsewhere.com/z-1-2"]
    frontier.prefetch(links)
    assert many == [[dedup_key("https://a.com/old-1-2-3"), dedup_key("https://a.com/new-1-2-3")]]  # new, on-site
    assert [frontier.offer_article(url).skipped for url in links] == ["seen_before", None, "seen", "offsite"]
    assert single == [dedup_key("https://a.com/first-1-2-3")]  # the page's links cost one query in all


@pytest.mark.parametrize("value", ["2d", "12h", "30m", "1w", "2024-01-01", "2024-01-01T10:00:00+07:00"])
def test_since_forms(value: str) -> None:
    assert parse_since(value) is not None


def test_since_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="invalid since value"):
        parse_since("last tuesday")


EXAMPLE = SiteProfile(name="example", domains=("example.com",), feeds=("https://example.com/feeds/latest.xml",),
                      sitemaps=("https://example.com/maps/news.xml",), article_url=r"^https://example\.com/s/\w+$")


def test_profile_article_pattern_classifies_urls() -> None:
    assert url_kind("https://example.com/s/q7") == "other"  # too little to go on from the shape
    assert url_kind("https://example.com/s/q7", EXAMPLE.article_url) == "article"


def test_profile_feeds_and_sitemaps_seed_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spider_discovery, "PROFILES", {"example": EXAMPLE})
    spider = NewsSpider()
    spider.frontier.add_site("https://example.com/", profile="example")
    requests = list(spider.sitemaps_then_homepage("https://example.com/", "https://example.com/robots.txt", []))
    assert [(r.url, r.meta.get("discovery_callback")) for r in requests] == [
        ("https://example.com/maps/news.xml", "parse_sitemap"),  # robots.txt named none: the profile's
        ("https://example.com/feeds/latest.xml", "parse_feed"),
        ("https://example.com/", None),  # then the homepage
    ]
    assert spider.article_pattern("https://example.com/s/q7") == EXAMPLE.article_url
