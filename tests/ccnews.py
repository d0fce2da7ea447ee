"""Build WARC files the way Common Crawl's CC-NEWS publishes them, with warcio, from real pages.

CC-NEWS (StormCrawler) layout: a `warcinfo` record, then per capture a `request`, a
`response` and a `metadata` record (`fetchTimeMs: ...`, WARC-Concurrent-To the response),
each record its own gzip member. The payload is stored decoded: Content-Encoding and
Transfer-Encoding are renamed `X-Crawler-Content-Encoding` / `X-Crawler-Transfer-Encoding`.
A repeated payload is a `revisit` record (identical-payload-digest profile, HTTP headers
only); a payload over the crawler's limit is cut and marked `WARC-Truncated: length`;
`WARC-Identified-Payload-Type` gives the sniffed type.

Used by tests/test_ccnews.py and bench/warc_bench.py (also as a script: it converts our
own crawl archives into this layout so the two can be compared record for record).
"""

from __future__ import annotations

import hashlib
import io
import json
from base64 import b32encode
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TRUNCATE_AT = 1 << 20  # CC-NEWS's content limit
_CC_METADATA = b"fetchTimeMs: 243\r\ncharset-detected: UTF-8\r\n"


@dataclass
class Capture:
    url: str
    body: bytes
    status: int = 200
    content_type: str | None = "text/html; charset=UTF-8"
    date: str = "2024-03-06T08:00:00Z"
    headers: list[tuple[str, str]] = field(default_factory=list)
    truncate_at: int | None = None  # cut the stored payload here (WARC-Truncated: length)
    revisit_of: Capture | None = None  # a revisit record of that capture's payload
    target_scheme_http: bool = True  # False: a dns: record (no HTTP)


def _digest(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode("ascii")


def write_warc(path: Path, captures: Iterable[Capture]) -> Path:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"), warc_version="WARC/1.1")
        info = writer.create_warcinfo_record(path.name, {
            "software": "StormCrawler 2.10 https://stormcrawler.net/", "format": "WARC File Format 1.1",
            "isPartOf": "CC-NEWS", "operator": "Common Crawl Admin (info@commoncrawl.org)"})
        writer.write_record(info)
        for capture in captures:
            for record in _records(writer, capture):
                writer.write_record(record)
    return path


def _records(writer: WARCWriter, capture: Capture) -> list:
    if not capture.target_scheme_http:
        return [writer.create_warc_record(capture.url, "response", payload=io.BytesIO(capture.body),
                                          length=len(capture.body), warc_content_type="text/dns",
                                          warc_headers_dict={"WARC-Date": capture.date})]
    host = capture.url.split("/")[2]
    request = writer.create_warc_record(
        capture.url, "request", payload=io.BytesIO(b""), length=0,
        http_headers=StatusAndHeaders(f"GET /{capture.url.split('/', 3)[-1] if capture.url.count('/') > 2 else ''} "
                                      "HTTP/1.1", [("Host", host), ("User-Agent", "CCBot/2.0"),
                                                   ("Accept-Encoding", "gzip")], is_http_request=True),
        warc_headers_dict={"WARC-Date": capture.date})
    body = capture.body
    headers = [("Date", "Wed, 06 Mar 2024 08:00:00 GMT")]
    if capture.content_type:
        headers.append(("Content-Type", capture.content_type))
    headers += [("X-Crawler-Content-Encoding", "gzip"), ("X-Crawler-Content-Length", str(len(body) // 3)),
                *capture.headers]
    warc_headers = {"WARC-Date": capture.date, "WARC-Concurrent-To": request.rec_headers["WARC-Record-ID"]}
    if capture.revisit_of is not None:
        original = capture.revisit_of
        response = writer.create_warc_record(
            capture.url, "revisit", payload=io.BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"{capture.status} OK", headers, protocol="HTTP/1.1"),
            warc_headers_dict={**warc_headers, "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/"
                                                              "identical-payload-digest",
                               "WARC-Refers-To-Target-URI": original.url, "WARC-Refers-To-Date": original.date,
                               "WARC-Payload-Digest": _digest(original.body)})
        return [request, response]
    if capture.truncate_at is not None:
        body = body[: capture.truncate_at]
        warc_headers["WARC-Truncated"] = "length"
    if capture.content_type and "html" in capture.content_type or capture.content_type is None:
        warc_headers["WARC-Identified-Payload-Type"] = "text/html"
    reason = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}.get(capture.status, "OK")
    response = writer.create_warc_record(
        capture.url, "response", payload=io.BytesIO(body), length=len(body),
        http_headers=StatusAndHeaders(f"{capture.status} {reason}", headers, protocol="HTTP/1.1"),
        warc_headers_dict=warc_headers)
    metadata = writer.create_warc_record(
        capture.url, "metadata", payload=io.BytesIO(_CC_METADATA), length=len(_CC_METADATA),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": capture.date,
                           "WARC-Concurrent-To": response.rec_headers["WARC-Record-ID"],
                           "WARC-Record-ID": f"<urn:uuid:{uuid4()}>"})
    return [request, response, metadata]


def from_our_warc(source: Path, target: Path) -> tuple[int, int]:
    """Rewrite an archive of `newscrawl crawl --warc` in CC-NEWS's layout: our JSON metadata
    (sitemap hints, the article flag) dropped, payloads stored decoded, a repeated payload as a
    revisit. Returns (captures written, revisits)."""
    from warcio.archiveiterator import ArchiveIterator

    captures: list[Capture] = []
    seen: dict[str, Capture] = {}
    with source.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            http = record.http_headers
            body = record.content_stream().read()
            kept = [(k, v) for k, v in http.headers
                    if k.lower() not in ("content-encoding", "transfer-encoding", "content-length", "content-type",
                                         "date")]
            capture = Capture(url=record.rec_headers.get_header("WARC-Target-URI"), body=body,
                              status=int(http.get_statuscode()), content_type=http.get_header("Content-Type"),
                              date=record.rec_headers.get_header("WARC-Date"), headers=kept)
            digest = hashlib.sha1(body).hexdigest()
            if capture.status == 200 and digest in seen:
                capture.revisit_of = seen[digest]
            elif capture.status == 200:
                seen[digest] = capture
            captures.append(capture)
    write_warc(target, captures)
    return len(captures), sum(c.revisit_of is not None for c in captures)


if __name__ == "__main__":
    import sys

    written, revisits = from_our_warc(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps({"captures": written, "revisits": revisits}))
