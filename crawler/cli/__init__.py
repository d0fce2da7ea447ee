"""`newscrawl` command line: argument parsing and dispatch only; the work lives elsewhere."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from crawler import __version__

from . import crawl_cmd, export_cmd, extract_cmd, run_cmd, url_cmd, validate_cmd, worker_cmd
from .checks import one_line_errors
from .errors import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = one_line_errors(argparse.ArgumentParser(
        prog="newscrawl", description="Crawl news sites and extract articles as normalized JSON lines."))
    parser.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (run_cmd, worker_cmd, crawl_cmd, url_cmd, extract_cmd, validate_cmd, export_cmd):
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"newscrawl {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"newscrawl {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
