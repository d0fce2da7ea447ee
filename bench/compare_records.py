"""Are two `newscrawl extract` outputs the same records? Lines matched by `input`.

    python bench/compare_records.py BEFORE.jsonl AFTER.jsonl [--ignore fetched_at,...]

Prints every input whose line differs (field by field, values shortened), inputs present
on one side only, and a count; exit status 1 when anything differs. A speed change must
leave this at 0 differences (or explain each one).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def load(path: Path) -> dict[str, dict[str, Any]]:
    lines: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as stream:
        for number, text in enumerate(stream, 1):
            line = json.loads(text)
            lines[str(line.get("input") or f"line {number}")] = line
    return lines


def short(value: Any, width: int = 100) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


def differences(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]],
                ignore: set[str]) -> list[str]:
    out: list[str] = []
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            out.append(f"{key}: only in before")
            continue
        if key not in before:
            out.append(f"{key}: only in after")
            continue
        a, b = before[key], after[key]
        for field in sorted((a.keys() | b.keys()) - ignore):
            if a.get(field) != b.get(field):
                out.append(f"{key}: {field}: {short(a.get(field))} -> {short(b.get(field))}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--ignore", default="", help="comma-separated fields not compared")
    args = parser.parse_args()
    before, after = load(args.before), load(args.after)
    diffs = differences(before, after, {f for f in args.ignore.split(",") if f})
    for line in diffs:
        print(line)
    changed = len({d.split(": ", 1)[0] for d in diffs})
    print(f"{len(before)} / {len(after)} lines, {changed} inputs differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
