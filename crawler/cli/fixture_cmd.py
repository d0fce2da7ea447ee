"""`newscrawl fixture URL [--profile NAME]`: save a page as a site fixture, with its expected record.

The page is fetched through the crawl itself (robots.txt, User-Agent, limits, redirects), kept
exactly as it came (the WARC archive of that one-URL crawl), or read from `--from FILE` for a page
already saved. Its expected fields are what extraction gives today: review them (and list the
captions, bylines and related titles the text must not hold) before committing. The format:
crawler/sitefixtures.py.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crawler.items import RawPage
from crawler.profiles import PROFILES, profile_for_host
from crawler.urls import dedup_key, host_of
from crawler.warcinput import HTML_TYPES, responses
from pipelines.errors import PageRejected
from pipelines.extraction.document import decode_html

from .checks import check_url, one_line_errors, parse_setting
from .errors import UsageError
from .extract_cmd import read_page

DEFAULT_DIR = Path("tests/fixtures/profiles")
MAX_BYTES = 10 * 1024 * 1024


def add_parser(commands: Any) -> None:
    parser = one_line_errors(commands.add_parser(
        "fixture", help="save a page as a site-profile fixture, with its expected record to review",
        description="Save a page (.html.gz) and the record fields it gives now (.json) as a site fixture."))
    parser.add_argument("url", metavar="URL", help="the page's URL (fetched unless --from is given)")
    parser.add_argument("--profile", help="the site profile it belongs to (default: the one for the URL's host)")
    parser.add_argument("--from", dest="source", metavar="FILE",
                        help="a saved page (.html, .html.gz) instead of fetching")
    parser.add_argument("--slug", help="the fixture's name (default: from the URL's last path segment)")
    parser.add_argument("--dir", default=str(DEFAULT_DIR), help="the fixtures folder (default: %(default)s)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting for the fetch (repeatable)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    url = check_url(args.url)
    profile = PROFILES.get(args.profile) if args.profile else profile_for_host(host_of(url))
    if args.profile and profile is None:
        raise UsageError(f"unknown profile {args.profile!r}; known: {', '.join(sorted(PROFILES))} "
                         "(add it first: docs/add-a-site.md)")
    if profile is None:
        raise UsageError(f"no site profile covers {host_of(url)!r}: add one first (docs/add-a-site.md)")
    if not profile.matches(host_of(url) or ""):
        raise UsageError(f"profile {profile.name!r} covers {', '.join(profile.domains)}, not {host_of(url)!r}")
    slug = args.slug or slug_of(url)
    if args.source:
        raw, body = read_page(Path(args.source), url, MAX_BYTES)
        provenance = f"real page from {args.source}"
    else:
        body, content_type, fetched_at = fetch(url, dict(parse_setting(s) for s in args.set))
        raw = RawPage(url=url, html="", fetched_at=fetched_at, content_type=content_type)
        provenance = f"real page from {url}, fetched by newscrawl fixture on {fetched_at[:10]}"
    raw.html = decode_html(body, raw.content_type)
    # The extraction stack is imported when the command runs (see crawler/cli/__init__.py).
    from crawler.sitefixtures import expected_fields, write_site_fixture
    from pipelines.process import process_page

    try:
        record = process_page(raw).to_dict()
    except PageRejected as exc:
        print(f"newscrawl fixture: {url} gives no record ({exc.reason}: {exc.detail}); nothing written",
              file=sys.stderr)
        return 1
    written = write_site_fixture(Path(args.dir), profile.name, slug, url=url, fetched_at=raw.fetched_at,
                                 provenance=provenance, page=body, expected=expected_fields(record))
    for path in written:
        print(path)
    print(f"newscrawl fixture: review {written[1]} (the fields are what extraction gives today; add the lines "
          f"the text must not hold to not_in_text), then run: pytest tests/test_profiles.py -k {profile.name}",
          file=sys.stderr)
    return 0


def slug_of(url: str) -> str:
    """`.../dau-bung-keo-dai-4954454.html` -> `dau-bung-keo-dai-4954454`."""
    last = [part for part in url.split("?", 1)[0].split("/") if part][-1]
    stem = re.sub(r"\.[a-z0-9]{2,5}$", "", last.lower())
    return re.sub(r"[^a-z0-9-]+", "-", stem).strip("-")[:80] or "page"


def fetch(url: str, overrides: dict[str, str]) -> tuple[bytes, str, str]:
    """The page's bytes as the crawl received them, its Content-Type, and when: a one-URL crawl
    archived to WARC (crawler/extensions/warc.py), read back (crawler/warcinput.py)."""
    # The crawl is imported when the command runs (see crawler/cli/__init__.py).
    from crawler.spiders.news import NewsSpider

    from .scrapy_run import CrawlOutcome, crawl_settings, run_crawl

    with tempfile.TemporaryDirectory(prefix="newscrawl-fixture-") as tmp:
        settings = crawl_settings(None, {"NEWSCRAWL_WORKERS": "0", **overrides}, verbose=False)
        settings.set("FEEDS", {}, priority="cmdline")
        settings.set("NEWSCRAWL_WARC_DIR", tmp, priority="cmdline")
        outcome = CrawlOutcome()
        run_crawl(NewsSpider, settings, outcome, urls=[url])
        pages = [page for warc in sorted(Path(tmp).glob("*.warc.gz")) for page in responses(warc, MAX_BYTES)
                 if 200 <= page.status < 300 and any(t in page.content_type for t in HTML_TYPES)]
        wanted = [p for p in pages if dedup_key(p.meta.get("requested_url") or p.url) == dedup_key(url)] or pages
        if not wanted:
            reason = outcome.failures.get(url, "no HTML page came back")
            raise UsageError(f"cannot fetch {url}: {reason}")
        page = wanted[-1]
        return page.body, page.content_type, page.warc_date or datetime.now(timezone.utc).isoformat(timespec="seconds")
