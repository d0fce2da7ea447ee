"""Argument checks shared by the commands: URLs, output paths, -s settings.

Each raises UsageError with one line naming the problem, before any work starts.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import math
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from crawler.settingranges import value_problem
from crawler.starturls import InvalidURL, check_start_url

from .errors import UsageError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings, Settings

_SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_OWN_PREFIX = "NEWSCRAWL_"
_SECONDS = ("_TIMEOUT", "_DELAY", "_INTERVAL", "_SECONDS")  # durations Scrapy reads as floats
MAX_DELAY = 3600  # seconds between two requests to a site; more would stall a run (as a site's `delay`)


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """argparse prints its whole usage before an error; every other usage error is one line."""

    def error(message: str) -> NoReturn:
        parser.exit(2, f"{parser.prog}: error: {with_suggestion(message)}\n")

    parser.error = error  # type: ignore[method-assign]
    return parser


_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<given>[^']*)' \(choose from (?P<choices>.*)\)$")


def with_suggestion(message: str) -> str:
    """argparse's "invalid choice: 'crawll' (choose from ...)" with a "did you mean crawl?"."""
    found = _INVALID_CHOICE.search(message)
    if not found:
        return message
    choices = re.findall(r"'([^']*)'", found["choices"])
    close = difflib.get_close_matches(found["given"], choices, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    if message.startswith("argument COMMAND:"):
        return f"unknown command {found['given']!r} ({hint}commands: {', '.join(choices)})"
    given, options = found["given"], ", ".join(choices)
    return f"{message[:found.start()]}invalid choice: {given!r} ({hint}choose from {options})"


def unknown_option_message(parser: argparse.ArgumentParser, extras: list[str]) -> str:
    """One line for arguments a command does not take, naming the closest option it does take."""
    options = sorted({o for action in parser._actions for o in action.option_strings if o.startswith("--")})
    flags = [e for e in extras if e.startswith("-")]
    if not flags:
        return f"unexpected argument {extras[0]!r} (see {parser.prog} --help)"
    given = flags[0].split("=", 1)[0]
    close = difflib.get_close_matches(given, options, n=1, cutoff=0.7)
    hint = f"did you mean {close[0]}?" if close else f"see {parser.prog} --help"
    return f"unknown option {given!r} ({hint})"


def check_url(url: str) -> str:
    """An absolute http(s) URL with a valid host (crawler/starturls.py), or UsageError naming the problem."""
    try:
        return check_start_url(url)
    except InvalidURL as exc:
        raise UsageError(str(exc)) from None


def check_output(path: str | None, option: str = "output") -> Path | None:
    """A writable output file path (its directory must exist), or None for stdout.

    Messages name the option and the file it was given (`--report '/x/r.json': ...`)."""
    if path is None or path == "-":
        return None
    if not path.strip():
        raise UsageError(f"{option}: the path is empty")
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{option} {path!r} is a directory, not a file")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        missing = parent
        while not missing.parent.exists() and missing.parent != missing:
            missing = missing.parent
        raise UsageError(f"{option} {path!r}: directory {str(missing)!r} does not exist (create it first)")
    try:  # os.access says yes to root on any mounted file system; creating a file is the real test
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".newscrawl-probe-"):
            pass
    except OSError as exc:
        why = exc.strerror or exc
        raise UsageError(f"{option} {path!r}: directory {str(parent)!r} is not writable ({why})") from None
    if out.exists() and not os.access(out, os.W_OK):
        raise UsageError(f"{option} {path!r} is not writable")
    return out


def check_distinct(**paths: Path | None) -> None:
    """Two outputs given the same file would overwrite each other."""
    seen: dict[Path, str] = {}
    for name, path in paths.items():
        if path is None:
            continue
        resolved = path.resolve()
        if resolved in seen:
            raise UsageError(f"{seen[resolved]} and {name} are the same file: {str(path)!r}")
        seen[resolved] = name


def seconds(value: str) -> float:
    """argparse type: a finite number of seconds >= 0."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {value}")
    return number


def whole_number(minimum: int) -> Callable[[str], int]:
    """argparse type: a whole number >= minimum."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return number

    return parse


positive = whole_number(1)
non_negative = whole_number(0)


def parse_setting(value: str) -> tuple[str, str]:
    """`NAME=VALUE` from `-s`, as `scrapy crawl -s` takes it, checked by check_setting."""
    name, sep, setting = value.partition("=")
    name = name.strip()
    if not sep or not name:
        raise UsageError(f"-s expects NAME=VALUE, got {value!r}")
    check_setting(name, setting, "-s")
    return name, setting


def check_setting(name: str, value: Any, where: str, known: BaseSettings | None = None) -> None:
    """A setting name Scrapy or newscrawl reads, with a value of the type its default has.

    Unknown names are refused when they are ours (NEWSCRAWL_*) or a near miss of a known one
    (a typo would be ignored silently); other names pass, for third-party components.
    """
    if not _SETTING_NAME.match(name):
        raise UsageError(f"{where}: invalid setting name {name!r}: setting names are UPPER_CASE")
    known = known if known is not None else default_settings()
    if name not in known:
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.85)
        if name.startswith(_OWN_PREFIX) or close:
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError(f"{where}: unknown setting {name!r}{hint}")
        return
    problem = _type_problem(name, value, known.get(name)) or value_problem(name, value)
    if problem:
        raise UsageError(f"{where}: {name} {problem}, got {value!r}")


def default_settings() -> Settings:
    # Imported here, as in _type_problem: only the commands that take -s need Scrapy's settings,
    # and importing anything from scrapy loads all of it (~22 MiB; `newscrawl extract` never does).
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def _type_problem(name: str, value: Any, default: Any) -> str | None:
    if name == "LOG_LEVEL":
        ok = str(value).upper() in logging.getLevelNamesMapping()
        return None if ok else "must be a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)"
    if name == "NEWSCRAWL_SINCE":
        from pipelines.limits import parse_since

        try:
            parse_since(value)
        except ValueError:
            return "must be like 2d, 12h, 30m, 1w or 2024-01-01"
        return None
    from scrapy.settings import BaseSettings  # here: see default_settings

    probe = BaseSettings({name: value})
    if isinstance(default, BaseSettings):  # dict settings (DEFAULT_REQUEST_HEADERS) are stored so
        default = {}
    if isinstance(default, int) and not isinstance(default, bool) and name.endswith(_SECONDS):
        default = float(default)  # DOWNLOAD_TIMEOUT = 30 is read as a float: 0.5 is fine
    checks: list[tuple[type, str, str]] = [(bool, "getbool", "must be true or false"),
                                           (int, "getint", "must be a whole number"),
                                           (float, "getfloat", "must be a number"),
                                           (dict, "getdict", "must be a table / JSON object")]
    for kind, getter, problem in checks:
        if isinstance(default, kind):
            try:
                number = getattr(probe, getter)(name)
            except (ValueError, TypeError):
                return problem
            if kind is int and isinstance(value, float) and not value.is_integer():
                return problem
            if kind in (int, float) and not isinstance(default, bool):
                return _range_problem(name, number)
            return None
    return None


def _range_problem(name: str, number: float) -> str | None:
    """Numbers a crawl cannot run with: it would wait forever (a zero concurrency, an endless delay)."""
    if not math.isfinite(number):
        return "must be a finite number"
    if name.endswith(_SECONDS) and number < 0:
        return "must be a number of seconds >= 0"
    if name.endswith("_DELAY") and number > MAX_DELAY:
        return f"must be a number of seconds from 0 to {MAX_DELAY}"
    if name.startswith("CONCURRENT_") and number < 1:
        return "must be at least 1"
    return None

