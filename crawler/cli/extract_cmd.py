"""`newscrawl extract PATH...`: the crawl's extraction and normalization on saved pages."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import zlib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from crawler import settings as defaults
from crawler.backfill import Backfill, Filters, Progress
from crawler.items import RawPage
from crawler.pagejob import PageJob, PageResult
from crawler.urls import host_of
from crawler.warcinput import is_warc
from pipelines.errors import PageRejected
from pipelines.limits import parse_since
from pipelines.workers import ExtractionWorkers, usable_cores

from .checks import check_distinct, check_output, check_url, non_negative, one_line_errors, positive, seconds
from .errors import UsageError
from .inputs import find_inputs
from .outputs import partial_path

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")


def add_parser(commands: Any) -> None:
    parser = one_line_errors(commands.add_parser(
        "extract", help="extract articles from saved pages and WARC archives (no network)",
        description="Extract saved pages (.html, .html.gz, directories recursively) and WARC archives "
                    "(.warc, .warc.gz: ours or anyone's, such as Common Crawl's CC-NEWS)."))
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--url", help="the original URL of the page (one input file only)")
    parser.add_argument("-o", "--output", help="write JSON lines here instead of stdout (resumable: see --checkpoint)")
    parser.add_argument("--max-bytes", type=positive, default=defaults.NEWSCRAWL_MAX_PAGE_BYTES,
                        help="refuse pages larger than this (default %(default)s)")
    parser.add_argument("-j", "--jobs", type=non_negative, metavar="N",
                        help="extraction processes (default: one per core this process may use, for a WARC "
                             "archive or 16 inputs on; else 0 = in this process)")
    parser.add_argument("--site", action="append", metavar="HOST",
                        help="only records of this site and its subdomains (repeatable; www. ignored)")
    parser.add_argument("--url-pattern", metavar="REGEX", help="only records whose URL matches (re.search)")
    parser.add_argument("--since", metavar="WHEN", help="only records published since: 2d, 12h, 1w or a date")
    parser.add_argument("--language", metavar="CODE", help="only records in this language (ISO 639-1, e.g. vi)")
    parser.add_argument("--checkpoint", type=seconds, default=5.0, metavar="SECONDS",
                        help="with -o, save progress this often; the same command resumes a killed run "
                             "(default %(default)s)")
    parser.add_argument("--stats", metavar="PATH", help="write the counts (records, skips by reason) as JSON here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.url:
        check_url(args.url)
    out_path = check_output(args.output, "-o")
    stats_path = check_output(args.stats, "--stats")
    check_distinct(**{"-o": out_path, "--stats": stats_path})
    missing = [name for name in args.paths if not Path(name).exists()]
    if missing:  # a typo in a path is a bad argument, as in every command: exit 2, before any work
        raise UsageError(f"no such file or directory: {missing[0]!r}")
    inputs = find_inputs(args.paths, PAGE_SUFFIXES)
    # What cannot be read (a FIFO, a directory that cannot be listed) is an input too: its error
    # line comes first, and a resumed run counts positions over the same list.
    unreadable = {path: f"unreadable: {why}" for path, why in inputs.unreadable}
    files = [*unreadable, *inputs.files]
    if args.url and len(files) > 1:
        raise UsageError("--url gives one page's URL, but several input files were given")
    filters = _filters(args)
    # A pool costs a second to start: worth it from a handful of pages on (an archive holds many).
    many = len(files) >= 16 or any(is_warc(path) for path in files)
    jobs = args.jobs if args.jobs is not None else usable_cores() if many else 0
    workers: ExtractionWorkers[PageJob, PageResult] = ExtractionWorkers(jobs, defaults.NEWSCRAWL_PAGE_FUNCTION)
    backfill = Backfill(files, workers, filters, args.max_bytes, lambda path: prepare(path, args.url, args.max_bytes),
                        unreadable)
    progress = resumed = None
    if out_path:
        # Written under a temporary name and renamed at the end, like the crawl's output: an
        # interrupted run must not leave a file that looks complete.
        signature = {"inputs": [[str(p), _size(p)] for p in files], "url": args.url, "max_bytes": args.max_bytes,
                     "filters": filters.describe()}
        progress = Progress(partial_path(out_path), signature, args.checkpoint)
        resumed = progress.resume()
        if resumed is not None:
            (index, offset), size = resumed[0], resumed[1]
            where = f", after the record at byte {offset}" if is_warc(files[index]) and offset < 1 << 62 else ""
            print(f"newscrawl extract: resuming {out_path} ({size} bytes written) at input {index + 1} of "
                  f"{len(files)}{where}", file=sys.stderr)
    out: IO[bytes] = partial_path(out_path).open("ab" if resumed else "wb") if out_path else _stdout_bytes()
    try:
        counts = backfill.run(out, progress, resumed)
    finally:
        workers.close()
        if out_path:
            out.close()
    if out_path and progress is not None:
        partial_path(out_path).replace(out_path)
        progress.remove()
    if stats_path:
        stats_path.write_text(json.dumps(dict(sorted(counts.items())), indent=2) + "\n", encoding="utf-8")
    print(summary(counts, len(files), out_path), file=sys.stderr)
    return 1 if counts["errors"] else 0


def _filters(args: argparse.Namespace) -> Filters:
    try:
        pattern = re.compile(args.url_pattern) if args.url_pattern else None
    except re.error as exc:
        raise UsageError(f"--url-pattern {args.url_pattern!r}: not a regular expression ({exc})") from None
    try:
        since = parse_since(args.since)
    except ValueError as exc:
        raise UsageError(f"--since: {exc}") from None
    language = (args.language or "").strip().lower() or None
    if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
        raise UsageError(f"--language {args.language!r}: give a two-letter code such as en or vi")
    sites = tuple((host_of(s if "//" in s else f"http://{s}") or "").removeprefix("www.") for s in args.site or ())
    if any(not site for site in sites):
        raise UsageError("--site: give a host name such as vnexpress.net")
    return Filters(sites=sites, url_pattern=pattern, since=since, language=language)


def summary(counts: Counter[str], inputs: int, out_path: Path | None) -> str:
    """What was written, and for archives what was read, skipped and filtered, by reason."""
    written, failed = counts["records"], counts["errors"]
    errors = f", {failed} error line{'s' * (failed != 1)} (no article)" if failed else ""
    text = (f"newscrawl extract: {written} record{'s' * (written != 1)}{errors} from {inputs} "
            f"input{'s' * (inputs != 1)} -> {out_path if out_path else 'stdout'}")
    if counts["warc_records"]:
        def by(prefix: str) -> str:
            found = sorted((k.split("/", 1)[1], v) for k, v in counts.items() if k.startswith(prefix) and v)
            return ", ".join(f"{v} {k}" for k, v in found) or "none"
        text += (f"\n  archives: {counts['warc_records']} WARC records, {counts['warc_response']} responses, "
                 f"{counts['extracted']} pages extracted ({counts['truncated']} truncated by their crawler); "
                 f"skipped: {by('skipped/')}; not an article: {by('rejected/')}; "
                 f"filtered before extraction: {by('filtered/')}; dropped after: {by('dropped/')}")
    return text


def _stdout_bytes() -> IO[bytes]:
    """stdout as bytes; a text-only stdout (a caller that captured it) gets the text."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        return stream  # type: ignore[no-any-return]

    class TextSink(io.RawIOBase):
        def write(self, data: Any) -> int:
            sys.stdout.write(bytes(data).decode("utf-8"))
            return len(data)

        def flush(self) -> None:
            sys.stdout.flush()

    return TextSink()  # type: ignore[return-value]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def prepare(path: Path, url: str | None, max_bytes: int) -> PageJob | dict[str, Any]:
    """A job for the workers, or the error line of an input that cannot even be read."""
    try:
        raw, body = read_page(path, url, max_bytes)
    except PageRejected as exc:
        return {"input": str(path), "error": f"{exc.reason}: {exc.detail}"}
    return PageJob(raw, body=body)


def read_page(path: Path, url: str | None, max_bytes: int) -> tuple[RawPage, bytes]:
    """The page as a RawPage still to be decoded (the workers do that), and its bytes."""
    try:
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError as exc:
        raise PageRejected("unreadable", exc.strerror or str(exc)) from None
    if path.name.lower().endswith(".gz"):
        data = _gunzip(data, max_bytes)
    if len(data) > max_bytes:
        raise PageRejected("too_large", f"{len(data)} bytes, over the limit of {max_bytes}")
    raw = RawPage(url=url or path.resolve().as_uri(), html="", fetched_at=mtime.isoformat(timespec="seconds"),
                  input=str(path))
    return raw, data


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress at most max_bytes + 1 (a gzip bomb stops there)."""
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise PageRejected("unreadable", f"not a valid gzip file ({exc})") from None
    if len(out) <= max_bytes and not decoder.eof:
        raise PageRejected("unreadable", "truncated gzip file")
    return out
