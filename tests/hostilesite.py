"""A small healthy news site with room for bad pages, and a crawl runner that measures memory.

Every hostile test crawls one of these: three good articles (in the sitemap and linked
from the homepage) plus the bad thing under test. "Nothing lost" means all three good
articles are written whatever the bad one does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.validate import schema_errors
from tests.conftest import ROOT, json_lines
from tests.hostileserver import Exchange, Handler, HostileServer, answer, stream
from tests.mockserver import Route
from tests.pages import article_html, listing_html

GIB = 1 << 30
MIB = 1 << 20

# A local server needs no politeness; NEWSCRAWL_REFUSE_PRIVATE is off for `crawl` already, said here
# explicitly because these sites live on 127.0.0.1. Extraction runs in the crawler process (no worker
# pool to start, and its memory is measured with everything else in one process).
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "NEWSCRAWL_REFUSE_PRIVATE=False",
        "-s", "NEWSCRAWL_WORKERS=0")
PEAK_RSS_MB = 400  # the crawler's peak resident memory, well under what any bomb here would need


def story_path(name: str) -> str:
    return f"/news/{name}-story-about-the-city.html"


@dataclass
class HealthySite:
    server: HostileServer
    good: list[str] = field(default_factory=lambda: [story_path(f"good-{i}") for i in range(3)])
    sitemap_extra: list[str] = field(default_factory=list)
    homepage_extra: list[str] = field(default_factory=list)
    validators: dict[str, str] = field(default_factory=dict)  # e.g. Last-Modified on robots.txt and the sitemap

    def __post_init__(self) -> None:
        for i, path in enumerate(self.good):
            self.server.route(path, article_html(f"Good story number {i} about the city", canonical=path))
        self.build()

    @property
    def base(self) -> str:
        return self.server.base

    @property
    def good_urls(self) -> set[str]:
        return {self.base + p for p in self.good}

    def add(self, path: str, handler: Handler | str | bytes, *, in_sitemap: bool = True, linked: bool = False,
            **headers: str) -> str:
        """A page of the site: a behaviour, or a body served as it is (with headers)."""
        if callable(handler):
            self.server.behave(path, handler)
        else:
            self.server.route(path, handler, 200, **headers)
        if in_sitemap:
            self.sitemap_extra.append(path)
        if linked:
            self.homepage_extra.append(path)
        self.build()
        return self.base + path

    def build(self, robots: bool = True) -> None:
        s = self.server
        if robots:
            s.route("/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {self.base}/sitemap.xml\n",
                    Content_Type="text/plain", **self.validators)
        locs = [p if "://" in p else self.base + p for p in self.good + self.sitemap_extra]
        entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
        s.route("/sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{entries}</urlset>", Content_Type="application/xml", **self.validators)
        links = [(p, f"Story {i}") for i, p in enumerate(self.good + self.homepage_extra)]
        s.route("/", listing_html("Example Times", links))
        s.route("/world", listing_html("World", links[:1]))  # the articles' navigation links here


@dataclass
class Crawl:
    records: list[dict[str, Any]]
    report: dict[str, Any]
    stderr: str
    returncode: int
    peak_rss_mb: float
    seconds: float
    host: str = "127.0.0.1"

    @property
    def site(self) -> dict[str, Any]:
        return dict(self.report["sites"][self.host])

    def counted(self, group: str, reason: str) -> int:
        return int(self.site.get(group, {}).get(reason, 0))

    def assert_nothing_lost(self, site: HealthySite) -> None:
        """The crawl finished on its own, in bounded memory, and every good article was written."""
        assert "Traceback" not in self.stderr, self.stderr[-3000:]
        assert self.report["finish_reason"] == "finished"
        written = {r["url"] for r in self.records}
        assert site.good_urls <= written, f"lost: {site.good_urls - written}\n{self.stderr[-2000:]}"
        assert all(schema_errors(r) == [] for r in self.records)
        assert self.peak_rss_mb < PEAK_RSS_MB, f"peak RSS {self.peak_rss_mb:.0f} MB"


# The CLI, reporting its own peak RSS at exit. Not getrusage/wait4: Linux keeps a process's
# pre-exec high-water mark across exec, so a child forked from a big pytest process would
# report pytest's size. /proc/self/status VmHWM belongs to the fresh post-exec address space.
_MEASURED_CLI = """
import atexit, os, sys

def _peak():
    with open("/proc/self/status") as status, open(os.environ["NEWSCRAWL_TEST_PEAK_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])

atexit.register(_peak)
sys.argv[0] = "newscrawl"
from crawler.cli import main
sys.exit(main())
"""


def run_measured(*args: str, timeout: float = 120,
                 env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    """`newscrawl ARGS` in a fresh process; also its peak resident memory in MB (VmHWM)."""
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        env = {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT),
               "NEWSCRAWL_TEST_PEAK_FILE": str(peak_file)}
        result = subprocess.run([sys.executable, "-c", _MEASURED_CLI, *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=timeout)
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else 0
    assert peak_kib, f"the crawler did not report its peak memory\n{result.stderr[-2000:]}"
    return result, peak_kib / 1024


def crawl(site: HealthySite, tmp_path: Path, *extra: str, timeout: float = 120,
          env: dict[str, str] | None = None) -> Crawl:
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    result, peak = run_measured("crawl", site.base + "/", "-o", str(out), *FAST, *extra,
                                timeout=timeout, env=env)
    seconds = time.monotonic() - started
    stats = tmp_path / "out.jsonl.stats.json"
    report = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}
    records = json_lines(out.read_text(encoding="utf-8")) if out.exists() else []
    return Crawl(records, report, result.stderr, result.returncode, peak, seconds, site.server.name)


def gzip_bomb(size: int) -> bytes:
    """A valid single-member gzip of `size` zero bytes (size: whole MiB), about 1/1000 of it on the wire.

    After a full flush deflate restarts, so the compressed MiB is the same every time: built
    in a blink instead of compressing a gigabyte.
    """
    mib = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflate.compress(mib)
    deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(mib) + deflate.flush(zlib.Z_FULL_FLUSH)
    count = size >> 20
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mib, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")
    return header + block * count + deflate.flush() + trailer


def brotli_bomb(size: int) -> bytes:
    import brotli

    mib = bytes(1 << 20)
    compressor = brotli.Compressor(quality=5)
    parts = [compressor.process(mib) for _ in range(size >> 20)]
    return b"".join(parts) + bytes(compressor.finish())


# Hostile pages ---------------------------------------------------------------------------


def flaky(failures: int, failure: Route, page: str) -> Handler:
    """Answers `failure` for the first `failures` hits, then the page."""

    def handle(ex: Exchange) -> None:
        if ex.hit > failures:
            answer(page.encode(), 200, {"Content-Type": "text/html; charset=utf-8"})(ex)
        else:
            answer(failure.body, failure.status, failure.headers)(ex)
    return handle


def endless_sitemap(base: str) -> Iterator[bytes]:
    """A gigabyte of sitemap, made only as fast as it is read."""
    yield b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    entry = f"<url><loc>{base}/news/filler-story-number-000000000.html</loc></url>".encode()
    batch = entry * (64 * 1024 // len(entry))
    for _ in range(GIB // len(batch)):
        yield batch


def huge_page(size: int, declared: bool) -> Handler:
    """`size` bytes of one paragraph, with its length announced or streamed chunked."""

    def chunks() -> Iterator[bytes]:
        yield b"<html><body><p>"
        for _ in range(size // MIB):
            yield b"x" * MIB

    if not declared:
        return stream(chunks, "text/html")

    def handle(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": "text/html", "Content-Length": str(size), "Connection": "close"})
        for data in chunks():
            ex.send_body(data)
    return handle


def to_cp1258(text: str) -> bytes:
    """Vietnamese as windows-1258 writes it: a precomposed base letter where the code page has
    one (â, ơ, ư, ...) and the tone as a combining mark after it."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = list(unicodedata.normalize("NFD", char))
        for mark in marks:  # fold in the one mark that gives a letter of the code page
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and composed.encode("cp1258", "ignore"):
                base, marks = composed, [m for m in marks if m != mark]
                break
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)
