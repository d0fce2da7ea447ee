"""`newscrawl` command line: argument parsing and dispatch only; the work lives elsewhere.

Every run builds every command's parser, so each command module imports at its top only what
its parser needs; the crawl (Scrapy), Redis and the extraction stack are imported where a
command runs: importing anything from scrapy loads all of it (~22 MiB), which `newscrawl
extract`, `validate` and `export` never need (tests/test_memory.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crawler import __version__

from . import crawl_cmd, export_cmd, extract_cmd, fixture_cmd, run_cmd, url_cmd, validate_cmd, worker_cmd
from .checks import one_line_errors, unknown_option_message
from .errors import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = one_line_errors(argparse.ArgumentParser(
        prog="newscrawl", description="Crawl news sites and extract articles as normalized JSON lines."))
    parser.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (run_cmd, worker_cmd, crawl_cmd, url_cmd, extract_cmd, validate_cmd, export_cmd, fixture_cmd):
        module.add_parser(commands)
    for command in commands.choices.values():
        one_line_errors(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:  # a bare `newscrawl`: what can it do?
        parser.print_help(sys.stderr)
        return 2
    args, extras = parser.parse_known_args(argv)
    if extras:  # argparse would blame `newscrawl`, not the command, and suggest nothing
        command = command_parser(parser, args.command)
        command.exit(2, f"{command.prog}: error: {unknown_option_message(command, extras)}\n")
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"newscrawl {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"newscrawl {args.command}: interrupted", file=sys.stderr)
        return 130


def command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]  # type: ignore[no-any-return]
    return parser


if __name__ == "__main__":
    sys.exit(main())
