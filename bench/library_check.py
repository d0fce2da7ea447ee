"""Our URL, sitemap and feed code against the maintained libraries that could replace it.

    python bench/library_check.py [--shared ../shared]     # feedparser is measured when installed

URLs: every URL of the shared evaluation sets and our fixtures, each with the variants a crawl
meets (tracking parameters, a fragment, `www.` or not, upper-case host, the default port,
escapes of plain letters); a canonicalizer is right on a variant when it gives the variant the
same key as the original, and wrong on a pair when two different articles get one key.
Sitemaps and feeds: small files of each kind and an entity bomb; how many URLs each parser
dates.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from courlan import normalize_url  # noqa: E402
from scrapy.utils.sitemap import Sitemap as ScrapySitemap  # noqa: E402
from w3lib.url import canonicalize_url  # noqa: E402

from crawler.discovery.feeds import parse_feed  # noqa: E402
from crawler.discovery.sitemaps import parse_sitemap  # noqa: E402
from crawler.urls import dedup_key  # noqa: E402


def corpus(shared: Path) -> list[str]:
    urls = []
    truths = [*sorted(shared.glob("devsets/*/truth.jsonl")), ROOT / "tests" / "fixtures" / "vn-html" / "truth.jsonl"]
    for truth in truths:
        urls += [json.loads(line)["url"] for line in truth.read_text(encoding="utf-8").split("\n") if line.strip()]
    return sorted({u.strip() for u in urls if u and u.startswith("http")})


def variants(url: str) -> Iterator[tuple[str, str]]:
    parts = urlsplit(url)
    sep = "&" if parts.query else ""
    yield "utm/fbclid", urlunsplit(parts._replace(query=parts.query + sep + "utm_source=rss&fbclid=abc"))
    yield "fragment", url + "#comments"
    host = parts.netloc
    yield "www toggled", urlunsplit(parts._replace(netloc=host[4:] if host.startswith("www.") else "www." + host))
    yield "host case", urlunsplit(parts._replace(netloc=host.upper()))
    port = ":443" if parts.scheme == "https" else ":80"
    yield "default port", urlunsplit(parts._replace(netloc=host + port))
    plain_a = re.compile(r"(?<!%)(?<!%[0-9A-Fa-f])a")  # an `a` that is not part of an escape
    yield "escaped letter", urlunsplit(parts._replace(path=plain_a.sub("%61", parts.path, count=1)))


def _without_scheme(key: str) -> str:
    return key.split("://", 1)[-1]


CANONICALIZERS: dict[str, Callable[[str], str]] = {
    "ours (dedup_key)": dedup_key,
    "w3lib canonicalize_url": lambda u: _without_scheme(canonicalize_url(u)),
    "courlan normalize_url(strict)": lambda u: _without_scheme(normalize_url(u, strict=True)),
}


def check_urls(shared: Path) -> None:
    urls = corpus(shared)
    print(f"URL identity: {len(urls)} URLs from the evaluation sets and fixtures, 6 variants each")
    kinds = [k for k, _ in variants(urls[0])]
    print("| canonicalizer | " + " | ".join(kinds) + " | distinct articles merged | errors |")
    print("|---|" + "---|" * (len(kinds) + 2))
    for name, key in CANONICALIZERS.items():
        same = dict.fromkeys(kinds, 0)
        errors = 0
        keys: dict[str, str] = {}
        for url in urls:
            try:
                base = key(url)
            except Exception:  # a library that raises is counted, not fatal
                errors += 1
                continue
            keys.setdefault(base, url)
            for kind, variant in variants(url):
                try:
                    same[kind] += key(variant) == base
                except Exception:
                    errors += 1
        merged = len(urls) - errors - len(keys)
        print(f"| {name} | " + " | ".join(f"{same[k]}/{len(urls)}" for k in kinds) + f" | {merged} | {errors} |")


def scrapy_sitemap_entries(body: bytes) -> list[tuple[str, str | None]]:
    out = []
    for entry in ScrapySitemap(body):
        out.append((entry["loc"], entry.get("publication_date") or entry.get("lastmod")))
    return out


NEWS_SITEMAP = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(
                    f"<url><loc>https://a.com/story-{i}</loc><news:news><news:publication>"
                    "<news:name>A</news:name><news:language>en</news:language></news:publication>"
                    f"<news:publication_date>2024-03-0{i + 1}T10:00:00+07:00</news:publication_date>"
                    "<news:title>T</news:title></news:news></url>" for i in range(4)) + "</urlset>").encode()
PLAIN_SITEMAP = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
    f"<url><loc>https://a.com/old-{i}</loc><lastmod>2024-02-0{i + 1}</lastmod></url>" for i in range(8))
    + "</urlset>").encode()
RSS = ("<?xml version='1.0'?><rss version='2.0'><channel><title>A</title>" + "".join(
    f"<item><title>Story {i}</title><link>https://a.com/story-{i}</link>"
    f"<pubDate>Tue, 0{i + 1} Mar 2024 10:00:00 +0700</pubDate></item>" for i in range(6))
    + "</channel></rss>").encode()


def check_sitemaps() -> None:
    print("\nSitemaps: (URLs with a date) / URLs")
    for name, body in (("Google News sitemap", NEWS_SITEMAP), ("sitemap with lastmod", PLAIN_SITEMAP)):
        ours = parse_sitemap(body)
        theirs = scrapy_sitemap_entries(body)
        dated_ours = sum(1 for e in ours.entries if e.date)
        dated_theirs = sum(1 for _, d in theirs if d)
        print(f"  {name}: ours {dated_ours}/{len(ours.entries)}, scrapy Sitemap {dated_theirs}/{len(theirs)}")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
                       for i in range(1, 10))
            + b']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.com/&lol9;</loc>'
            b"</url></urlset>")
    ours_bomb = [e.url for e in parse_sitemap(bomb).entries]
    theirs_bomb = [loc for loc, _ in scrapy_sitemap_entries(bomb)]
    print(f"  entity bomb: URL length ours {[len(u) for u in ours_bomb]}, "
          f"scrapy Sitemap {[len(u) for u in theirs_bomb]}")


def check_feeds() -> None:
    try:
        import feedparser
    except ImportError:
        print("\nFeeds: feedparser not installed (pip install feedparser) - not measured")
        return
    base = "https://a.com/"
    cases = {"RSS 2.0": RSS,
             "RSS without a declaration, a bare & in a title": b"<rss><channel><item><title>A & B</title>"
             b"<link>https://a.com/x-1</link><pubDate>Tue, 05 Mar 2024 10:00:00 +0700</pubDate></item></channel></rss>",
             "Atom": b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://a.com/y-2"/>'
             b"<published>2024-03-05T10:00:00+07:00</published></entry></feed>",
             "JSON Feed": json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
                 {"url": "https://a.com/z-3", "date_published": "2024-03-05T10:00:00+07:00"}]}).encode()}
    print("\nFeeds: (URLs with a date as the feed wrote it) / URLs")
    for name, body in cases.items():
        try:
            ours = parse_feed(body, base)
            ours_text = f"{sum(1 for e in ours if e.date)}/{len(ours)}"
        except ValueError as exc:
            ours_text = f"refused ({exc})"
        parsed = feedparser.parse(body)
        theirs = [e for e in parsed.entries if e.get("link")]
        raw_dates = sum(1 for e in theirs if e.get("published") or e.get("updated"))
        print(f"  {name}: ours {ours_text}, feedparser {raw_dates}/{len(theirs)}"
              f"{' (bozo: ' + type(parsed.bozo_exception).__name__ + ')' if parsed.bozo else ''}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder")
    check_urls(parser.parse_args().shared)
    check_sitemaps()
    check_feeds()
