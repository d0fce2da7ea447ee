"""`newscrawl export OUT_DIR --format parquet|jsonl [--by site,date] DEST`: a run directory as a dataset."""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path
from typing import Any

from crawler.export import FORMATS, PARTITION_KEYS, DamagedParts, export
from pipelines.parts import complete_parts

from .errors import UsageError


def partition_keys(value: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in value.split(",") if k.strip() and k.strip() != "none")
    unknown = [k for k in keys if k not in PARTITION_KEYS]
    if unknown or len(set(keys)) != len(keys):
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of {', '.join(PARTITION_KEYS)} (or none), got {value!r}"
        )
    return keys


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "export",
        help="export the records of an output directory as Parquet or JSON lines",
        description="Read every complete part under OUT_DIR and write a hive-partitioned dataset with a "
        "dataset card (README.md, dataset_card.json) to DEST.",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", help="the output directory of `newscrawl run`")
    parser.add_argument("dest", metavar="DEST", help="a new (or empty) directory")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="default: %(default)s")
    parser.add_argument(
        "--by",
        type=partition_keys,
        default=("site", "date"),
        metavar="KEYS",
        help="partition keys, comma-separated: site, date, language, or none (default: site,date)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace DEST if it exists")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out_dir, dest = Path(args.out_dir), Path(args.dest)
    if not out_dir.is_dir():
        raise UsageError(f"no such directory: {args.out_dir!r}")
    if not complete_parts(out_dir):
        raise UsageError(f"no complete parts (date=*/run=*/part-*.jsonl.gz) under {args.out_dir!r}")
    if dest.exists() and not args.overwrite and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{args.dest!r} exists and is not empty (use --overwrite to replace it)")
    if not dest.resolve().parent.is_dir():
        raise UsageError(f"directory {str(dest.parent)!r} does not exist")
    source, target = out_dir.resolve(), dest.resolve()
    relation = ("is" if target == source else "is inside" if source in target.parents
                else "contains" if target in source.parents else None)
    if relation:  # DEST is replaced as a whole: the crawl output would go with it
        raise UsageError(f"DEST {args.dest!r} {relation} OUT_DIR {args.out_dir!r}: choose a DEST outside it")
    try:
        result = export(out_dir, dest, args.format, args.by, overwrite=args.overwrite)
    except DamagedParts as exc:
        print(f"newscrawl export: failed, {args.dest} not written: {exc}", file=sys.stderr)
        return 1
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        print(
            f"newscrawl export: failed, {args.dest} not written: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    by = ",".join(args.by) or "nothing"
    print(
        f"newscrawl export: {result.records} records from {result.parts} parts -> {dest} "
        f"({args.format}, {len(result.files)} files, partitioned by {by}; "
        "card: README.md, dataset_card.json)",
        file=sys.stderr,
    )
    return 0
