"""Argument checks shared by the commands: URLs, output paths, -s settings."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UsageError


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, or UsageError naming the problem."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as exc:
        raise UsageError(f"invalid URL {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"unsupported URL scheme in {url!r}: only http and https are fetched")
    if not parts.hostname:
        raise UsageError(f"invalid URL {url!r}: no host name")
    return url


def check_output(path: str | None) -> Path | None:
    """A writable output file path (its directory must exist), or None for stdout."""
    if path is None or path == "-":
        return None
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"output {path!r} is a directory, not a file")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"output directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError(f"output {path!r} is not writable")
    return out


def parse_setting(value: str) -> tuple[str, str]:
    """`NAME=VALUE` from `-s`, as `scrapy crawl -s` takes it."""
    name, sep, setting = value.partition("=")
    if not sep or not name.strip() or not name.strip().replace("_", "").isalnum():
        raise UsageError(f"-s expects NAME=VALUE, got {value!r}")
    return name.strip(), setting
