"""The `_manifest.jsonl` of a run directory: what its complete parts must be.

One line per complete part (`part`, `records`, `bytes`, `sha256`, `completed_at`), appended
and fsynced after the part is renamed; a later line for the same part with `retired` says the
part was found damaged (missing, truncated, altered) and set aside as `NAME.damaged`, its
records forgotten by the state so that the next run fetches them again. The last line of a
part wins. A torn last line (a kill during an append) is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MANIFEST = "_manifest.jsonl"
DAMAGED_SUFFIX = ".damaged"


def entries(run_dir: Path) -> dict[str, dict[str, Any]]:
    """Part name -> its last manifest line; {} without a manifest."""
    path = run_dir / MANIFEST
    found: dict[str, dict[str, Any]] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return found
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # torn by a kill in the middle of an append
        if isinstance(entry, dict) and isinstance(entry.get("part"), str):
            found[entry["part"]] = entry
    return found


def describe(part: Path, records: int) -> dict[str, Any]:
    data = part.read_bytes()
    return {"part": part.name, "records": records, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "completed_at": now()}


def append(run_dir: Path, entry: dict[str, Any]) -> None:
    """One line, fsynced. On a write error (a full disk) the manifest is cut back to what it
    was, so it never holds half a line, and the error is raised."""
    path = run_dir / MANIFEST
    line = (json.dumps(entry) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(fd).st_size
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(28, os.strerror(28))  # a short write: the disk filled up
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, size)
            raise
    finally:
        os.close(fd)


def problem(part: Path, entry: dict[str, Any], deep: bool) -> str | None:
    """Why `part` does not match its manifest line (None when it does). Without `deep`, the
    size only (a stat); with it, the sha256 too."""
    try:
        size = part.stat().st_size
    except FileNotFoundError:
        return "missing"
    if size != entry.get("bytes"):
        return f"{size} bytes, the manifest says {entry.get('bytes')}"
    if deep and hashlib.sha256(part.read_bytes()).hexdigest() != entry.get("sha256"):
        return "its sha256 differs from the manifest's"
    return None


def damaged_parts(run_dir: Path, deep: bool = False) -> list[tuple[Path, str]]:
    """(part, problem) for each listed, not yet retired part of `run_dir` that does not match."""
    found = []
    for name, entry in sorted(entries(run_dir).items()):
        if entry.get("retired"):
            continue
        why = problem(run_dir / name, entry, deep)
        if why is not None:
            found.append((run_dir / name, why))
    return found


def retire(part: Path, why: str) -> None:
    """Set a damaged part aside (it no longer looks complete) and say so in the manifest."""
    if part.exists():
        os.replace(part, part.with_name(part.name + DAMAGED_SUFFIX))
    append(part.parent, {"part": part.name, "retired": why, "at": now()})


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
