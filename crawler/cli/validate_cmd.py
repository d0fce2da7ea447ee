"""`newscrawl validate PATH...`: JSON-lines records checked against the published schema.

Prints `path:line: field: message` for every problem of a bad record, then a count
summary. Exit status 0 all valid, 1 some records bad, 2 an input could not be read
(missing, not a file we read, a corrupt gzip stream).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import UsageError
from .inputs import Inputs, find_inputs

SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
MAX_LINE = 32 << 20  # bytes; a record is far smaller (a page is at most 10 MiB, its text less)
MAX_MESSAGE = 200  # jsonschema quotes the offending value: a whole article body would flood the terminal


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="check JSON-lines records against the record schema",
        description="Check records (.jsonl, .jsonl.gz; directories recursively) against the record schema.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.set_defaults(run=run)


@dataclass
class Tally:
    files: int = 0
    records: int = 0
    bad: int = 0
    unreadable: int = 0


def run(args: argparse.Namespace) -> int:
    inputs = input_files(args.paths)
    tally = Tally()
    out = sys.stdout
    for path, why in inputs.unreadable:
        tally.files += 1
        tally.unreadable += 1
        print(f"newscrawl validate: {path}: unreadable: {why}", file=sys.stderr)
    for path in inputs.files:
        check_file(path, tally, out)
    print(
        f"newscrawl validate: {tally.files} files, {tally.records} records: "
        f"{tally.records - tally.bad} valid, {tally.bad} invalid"
        + (f", {tally.unreadable} files unreadable" if tally.unreadable else ""),
        file=out,
    )
    return 2 if tally.unreadable else (1 if tally.bad else 0)


def input_files(paths: list[str]) -> Inputs:
    """Files named on the command line (any name) and record files found in directories."""
    for name in paths:
        if not Path(name).exists():
            raise UsageError(f"no such file or directory: {name!r}")
    # `_manifest.jsonl` (a run's list of its parts) and hidden temporary files hold no records.
    inputs = find_inputs(paths, SUFFIXES, skip=("_", "."))
    for name in paths:
        if Path(name).is_dir() and not any(Path(name) in f.parents for f in inputs.files) \
                and not any(p == Path(name) or Path(name) in p.parents for p, _ in inputs.unreadable):
            raise UsageError(f"no .jsonl or .jsonl.gz files under {name!r}")
    return inputs


def check_file(path: Path, tally: Tally, out: IO[str]) -> None:
    tally.files += 1
    try:
        for number, line in _lines(path):
            if line is None:
                tally.records += 1
                tally.bad += 1
                out.write(f"{path}:{number}: (record): longer than {MAX_LINE} bytes, not read\n")
                continue
            if not line.strip():
                continue
            tally.records += 1
            problems = record_problems(line)
            if problems:
                tally.bad += 1
                for field, message in problems:
                    out.write(f"{path}:{number}: {field}: {message}\n")
    except (OSError, EOFError, zlib.error) as exc:
        tally.unreadable += 1
        print(f"newscrawl validate: {path}: unreadable: {exc}", file=sys.stderr)


def _lines(path: Path) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines, read in bounded pieces: a line over MAX_LINE bytes (a huge file without a
    newline) is None and skipped in 1 MiB chunks, never held whole in memory."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        number = 0
        while line := handle.readline(MAX_LINE + 1):
            number += 1
            if len(line) <= MAX_LINE:
                yield number, line
                continue
            while line and not line.endswith(b"\n"):
                line = handle.readline(1 << 20)
            yield number, None


def record_problems(line: bytes) -> list[tuple[str, str]]:
    """(field, message) for each schema violation of one JSON line; [] when valid."""
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return [("(record)", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except json.JSONDecodeError as exc:
        return [("(record)", f"invalid JSON: {exc.msg} at column {exc.colno}")]
    if not isinstance(record, dict):
        return [("(record)", f"not a JSON object but {type(record).__name__}")]
    if "error" in record and "input" in record:  # an error line of `newscrawl extract`, not a record
        return [("(record)", f"an extract error line, not a record: {_short(str(record['error']))}")]
    from pipelines.validate import record_validator  # jsonschema: not for the other commands

    problems, missing = [], []
    for error in record_validator().iter_errors(record):
        if error.validator == "required" and not error.absolute_path:
            missing += [name for name in error.validator_value if name not in record]
            continue
        field = "/".join(map(str, error.absolute_path)) or "(record)"
        problems.append((field, _short(error.message)))
    if missing:
        problems.insert(0, ("(record)", f"missing required fields: {', '.join(sorted(set(missing)))}"))
    return problems


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."
