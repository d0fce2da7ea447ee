"""Raw archives: every fetched response stored as WARC, so a dataset can be rebuilt later.

A downloader middleware placed next to the downloader (above the cache, redirect and
decompression middlewares), so it sees each response as it came off the wire: redirects,
errors, robots.txt, sitemaps and feeds included, bodies still content-encoded. Responses the
HTTP cache answered without a request are not archived (nothing was fetched).

Per response, Heritrix's order: a `response` record, the `request` record (credentials
removed), and a `metadata` record (JSON) with what the crawl knew before fetching: the
requested URL, sitemap/feed date hints, whether the page was expected to be an article.
`newscrawl extract FILE.warc.gz` (crawler/warcinput.py) reads them back.

Files rotate after NEWSCRAWL_WARC_MAX_BYTES; each is written as `.NAME.open`, fsynced and
renamed to NAME (`newscrawl-TIMESTAMP-SERIAL-HOST-PID.warc.gz`) when full or at the end, so
a file with a final name is complete. A killed crawl leaves its `.open` file: a valid WARC up
to its last whole record, kept for inspection and never read by `newscrawl extract DIR`.

Settings read: NEWSCRAWL_WARC_DIR (enables it), NEWSCRAWL_WARC_MAX_BYTES.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler import __version__
from crawler.middlewares.secrets import without_userinfo

logger = logging.getLogger(__name__)
OPEN_SUFFIX = ".open"
# Credentials are never archived: a WARC is shared more freely than the crawl's settings.
PRIVATE_REQUEST_HEADERS = {"authorization", "proxy-authorization", "cookie"}
# Scrapy has already removed the chunking: the stored body is the de-chunked payload.
DROPPED_RESPONSE_HEADERS = {"transfer-encoding"}


def _headers(headers: Any, drop: set[str]) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        if name.decode("latin-1").lower() not in drop
        for value in values
    ]


def _warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RotatingWarcFile:
    """Gzipped WARC files in `directory`, a new one after `max_bytes`, each renamed when complete."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.serial = 0
        self.host = socket.gethostname().split(".")[0] or "host"
        self.handle: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.name = ""
        self.completed: list[Path] = []

    def write(self, records: list[Any]) -> None:
        if self.writer is None:
            self._open()
        assert self.writer is not None and self.handle is not None
        for record in records:
            self.writer.write_record(record)
        if self.handle.tell() >= self.max_bytes:
            self.finish()

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")[:17]
        self.name = f"newscrawl-{stamp}-{self.serial:05d}-{self.host}-{os.getpid()}.warc.gz"
        self.handle = (self.directory / f".{self.name}{OPEN_SUFFIX}").open("wb")
        self.writer = WARCWriter(self.handle, gzip=True, warc_version="1.1")
        info = {
            "software": f"newscrawl/{__version__}",
            "format": "WARC File Format 1.1",
            "hostname": socket.gethostname(),
            "isPartOf": "newscrawl",
        }
        self.writer.write_record(self.writer.create_warcinfo_record(self.name, info))
        self.serial += 1

    def finish(self) -> None:
        if self.handle is None:
            return
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        final = self.directory / self.name
        os.replace(self.directory / f".{self.name}{OPEN_SUFFIX}", final)
        fd = os.open(self.directory, os.O_RDONLY)  # the rename itself must survive a crash
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self.completed.append(final)
        self.handle = self.writer = None


class WarcArchiveMiddleware:
    def __init__(self, crawler: Crawler, archive: RotatingWarcFile) -> None:
        self.crawler = crawler
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        directory = crawler.settings.get("NEWSCRAWL_WARC_DIR")
        if not directory:
            raise NotConfigured("NEWSCRAWL_WARC_DIR not set")
        archive = RotatingWarcFile(
            Path(directory), crawler.settings.getint("NEWSCRAWL_WARC_MAX_BYTES", 1 << 30)
        )
        leftovers = sorted(Path(directory).glob(f".*{OPEN_SUFFIX}")) if Path(directory).is_dir() else []
        if leftovers:
            logger.warning(
                "%d WARC files of interrupted crawls are left in %s (named .*%s)",
                len(leftovers),
                directory,
                OPEN_SUFFIX,
            )
        middleware = cls(crawler, archive)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.archive.finish()

    def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags:
            return response
        try:
            self.archive.write(self.records(request, response))
        except OSError as exc:  # a full disk must not pass silently, nor stop the crawl
            logger.error("WARC archive write failed for %s: %s", response.url, exc)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/warc/errors")
            return response
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/warc/responses")
        return response

    def records(self, request: Request, response: Response) -> list[Any]:
        builder = WARCWriter(BytesIO(), warc_version="1.1")  # record factory only
        date = _warc_date(datetime.now(timezone.utc))
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        warc_headers = {"WARC-Date": date}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        http = StatusAndHeaders(
            f"{response.status} {reason}",
            _headers(response.headers, DROPPED_RESPONSE_HEADERS),
            protocol=response.protocol or "HTTP/1.1",
        )
        record = builder.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            length=len(response.body),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        linked = {"WARC-Date": date, "WARC-Concurrent-To": record_id}
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_http = StatusAndHeaders(
            f"{request.method} {target} HTTP/1.1",
            [("Host", parts.netloc), *_headers(request.headers, PRIVATE_REQUEST_HEADERS | {"host"})],
            protocol="HTTP/1.1",
            is_http_request=True,
        )
        request_record = builder.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            http_headers=request_http,
            warc_headers_dict=linked,
        )
        meta = {
            "requested_url": without_userinfo(request.meta.get("requested_url", request.url))[0],
            "date_hints": dict(request.meta.get("date_hints", {})),
            "article": bool(request.meta.get("article")),
        }
        payload = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        metadata = builder.create_warc_record(
            request.url,
            "metadata",
            payload=BytesIO(payload),
            length=len(payload),
            warc_content_type="application/json",
            warc_headers_dict=linked,
        )
        return [record, request_record, metadata]
