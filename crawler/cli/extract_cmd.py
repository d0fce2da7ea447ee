"""`newscrawl extract PATH...`: the crawl's extraction and normalization on saved pages."""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path
from typing import IO, Any

from crawler import settings as defaults
from crawler.pageanalysis import PageJob, PageResult, analyze_page
from crawler.warcinput import extract_warc, is_warc
from pipelines.contracts.items import RawPage
from pipelines.errors import PageRejected
from pipelines.workers import ExtractionWorkers, usable_cores

from .checks import check_output, check_url, non_negative, one_line_errors, positive
from .errors import UsageError
from .scrapy_run import partial_path

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")


def add_parser(commands: Any) -> None:
    parser = one_line_errors(commands.add_parser(
        "extract", help="extract articles from saved pages (no network)",
        description="Extract saved pages (.html, .html.gz, directories recursively)."))
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--url", help="the original URL of the page (one input file only)")
    parser.add_argument("-o", "--output", help="write JSON lines here instead of stdout")
    parser.add_argument("--max-bytes", type=positive, default=defaults.NEWSCRAWL_MAX_PAGE_BYTES,
                        help="refuse pages larger than this (default %(default)s)")
    parser.add_argument("-j", "--jobs", type=non_negative, metavar="N",
                        help="extraction processes (default: one per core from 16 inputs on, else 0 = in this process)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.url:
        check_url(args.url)
    out_path = check_output(args.output, "-o")
    missing = [name for name in args.paths if not Path(name).exists()]
    if missing:  # a typo in a path is a bad argument, as in every command: exit 2, before any work
        raise UsageError(f"no such file or directory: {missing[0]!r}")
    files = list(_inputs(args.paths))
    if args.url and len(files) > 1:
        raise UsageError("--url gives one page's URL, but several input files were given")
    # A pool costs a second to start: worth it from a handful of pages on.
    jobs = args.jobs if args.jobs is not None else usable_cores() if len(files) >= 16 else 0
    workers: ExtractionWorkers[PageJob, PageResult] = ExtractionWorkers(jobs, analyze_page)
    failed = written = 0
    # Written under a temporary name and renamed at the end, like the crawl's output: an
    # interrupted run must not leave a file that looks complete.
    out: IO[str] = partial_path(out_path).open("w", encoding="utf-8") if out_path else sys.stdout
    try:
        prepared = (prepare(path, args.url, args.max_bytes) for path in files if not is_warc(path))
        pages = workers.imap((item, item if isinstance(item, PageJob) else None) for item in prepared)
        # WARC archives hold many pages each: crawler/warcinput.py reads them.
        warcs = (line for path in files if is_warc(path) for line in extract_warc(path, args.max_bytes, workers))
        for line in chain(warcs, (output_line(job, result) for job, result in pages)):
            failed += "error" in line
            written += "error" not in line
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        workers.close()
        if out_path:
            out.close()
    if out_path:
        partial_path(out_path).replace(out_path)
    # Said on stderr whatever happened, as the other commands do: a quiet success looks like nothing.
    errors = f", {failed} error line{'s' * (failed != 1)} (no article)" if failed else ""
    inputs = f"{len(files)} input{'s' * (len(files) != 1)}"
    print(f"newscrawl extract: {written} record{'s' * (written != 1)}{errors} from {inputs} -> "
          f"{out_path if out_path else 'stdout'}", file=sys.stderr)
    return 1 if failed else 0


def prepare(path: Path, url: str | None, max_bytes: int) -> PageJob | dict[str, Any]:
    """A job for the workers, or the error line of an input that cannot even be read."""
    try:
        raw, body = read_page(path, url, max_bytes)
    except PageRejected as exc:
        return {"input": str(path), "error": f"{exc.reason}: {exc.detail}"}
    return PageJob(raw, body=body)


def output_line(job: PageJob | dict[str, Any], result: PageResult | None) -> dict[str, Any]:
    if isinstance(job, dict):
        return job
    if result is not None and result.record is not None:
        return result.record.to_dict()
    reason, detail = (result.rejected if result is not None else None) or ("not_article", "no article found")
    return {"input": job.raw.input, "error": f"{reason}: {detail}"}


def _inputs(paths: list[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(PAGE_SUFFIXES))
            yield from found
        else:
            yield path  # a file that cannot be read becomes an error line, not an abort


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
