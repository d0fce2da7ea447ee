"""The dataset card of an export: README.md (for people and the Hugging Face hub) and
dataset_card.json (for programs) with counts per site, day and language, field fill rates,
date range and duplicate rates.

Duplicate rates: `exact_copies` are records whose `content_hash` an earlier record of the
export already had; `marked_duplicates` are records the crawl linked to an earlier copy
(`duplicate_of`, exact or near, across runs); `url_versions` are records of a URL that has
an earlier record (a changed article written again).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crawler.items import RECORD_FIELDS, SCHEMA_VERSION

MAX_ROWS = 40  # rows of a count table in the markdown; the JSON has them all


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != []


class CardStats:
    def __init__(self) -> None:
        self.records = 0
        self.counts: dict[str, Counter[str]] = {"site": Counter(), "date": Counter(), "language": Counter()}
        self.filled: Counter[str] = Counter()
        self.hashes: set[str] = set()
        self.urls: set[str] = set()
        self.duplicates: Counter[str] = Counter()
        self.ranges: dict[str, list[tuple[datetime, str]]] = {}  # field -> [(min), (max)]

    def add(self, record: dict[str, Any], day: str) -> None:
        self.records += 1
        self.counts["site"][str(record.get("site"))] += 1
        self.counts["date"][day] += 1
        self.counts["language"][str(record.get("language"))] += 1
        self.filled.update(name for name in RECORD_FIELDS if _filled(record.get(name)))
        content_hash, url = record.get("content_hash"), record.get("url")
        self.duplicates["exact_copies"] += content_hash in self.hashes
        self.duplicates["url_versions"] += url in self.urls
        self.duplicates["marked_duplicates"] += record.get("duplicate_of") is not None
        self.duplicates["marked_exact"] += record.get("duplicate_similarity") == 1.0
        self.hashes.add(str(content_hash))
        self.urls.add(str(url))
        for name in ("published_at", "fetched_at"):
            if record.get(name):
                self._extend(name, record[name])

    def _extend(self, name: str, value: str) -> None:
        moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        bounds = self.ranges.setdefault(name, [(moment, value), (moment, value)])
        if moment < bounds[0][0]:
            bounds[0] = (moment, value)
        if moment > bounds[1][0]:
            bounds[1] = (moment, value)

    def card(self, **about: Any) -> dict[str, Any]:
        total = self.records or 1
        rate = {name: round(count / total, 4) for name, count in self.duplicates.items()}
        return {
            "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "schema_version": SCHEMA_VERSION,
            **about,
            "records": self.records,
            "counts": {key: dict(sorted(counter.items())) for key, counter in self.counts.items()},
            "date_range": {
                name: {"min": lo[1], "max": hi[1], "min_utc": _iso(lo[0]), "max_utc": _iso(hi[0])}
                for name, (lo, hi) in self.ranges.items()
            },
            "fill_rates": {name: round(self.filled[name] / total, 4) for name in RECORD_FIELDS},
            "duplicates": {
                "distinct_texts": len(self.hashes),
                "distinct_urls": len(self.urls),
                **{
                    name: self.duplicates[name]
                    for name in ("exact_copies", "marked_duplicates", "marked_exact", "url_versions")
                },
                "rates": {
                    name: rate.get(name, 0.0)
                    for name in ("exact_copies", "marked_duplicates", "url_versions")
                },
            },
        }

    @staticmethod
    def write(root: Path, card: dict[str, Any]) -> None:
        (root / "dataset_card.json").write_text(
            json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (root / "README.md").write_text(markdown(card), encoding="utf-8")


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def markdown(card: dict[str, Any]) -> str:
    languages = [code for code in card["counts"]["language"] if code not in ("None", "")]
    extension = "parquet" if card.get("format") == "parquet" else "jsonl"
    lines = [
        "---",
        "pretty_name: newscrawl news articles",
        f"language: {json.dumps(languages)}",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f'    path: "data/**/*.{extension}"',
        "---",
        "",
        "# newscrawl news articles",
        "",
        (
            f"{card['records']} article records (schema version {card['schema_version']}, "
            "[`record.schema.json`](https://github.com/newscrawl/newscrawl/blob/main/"
            "crawler/record.schema.json)) "
            f"exported as {card.get('format')} from {card.get('parts')} complete parts, partitioned by "
            f"{', '.join(card.get('partitioned_by') or []) or 'nothing'} ({card.get('files')} files)."
        ),
        "",
        (
            "`date` is the publication day in the offset the page states, else the UTC fetch day. "
            "In Parquet, `published_at`, `modified_at` and `fetched_at` keep the page's offset as strings; "
            "`*_utc` columns hold the same instants as UTC timestamps."
        ),
        "",
        "## Date range",
        "",
    ]
    for name, bounds in card["date_range"].items():
        lines.append(
            f"* `{name}`: {bounds['min']} to {bounds['max']} (UTC {bounds['min_utc']} to {bounds['max_utc']})"
        )
    dup = card["duplicates"]
    lines += ["", "## Duplicates", "", "| measure | records | rate |", "|---|---:|---:|"]
    for name, label in (
        ("exact_copies", "same `content_hash` as an earlier record"),
        ("marked_duplicates", "`duplicate_of` set by the crawl (exact or near copy)"),
        ("url_versions", "a new version of an earlier record's URL"),
    ):
        lines.append(f"| {label} | {dup[name]} | {dup['rates'][name]:.2%} |")
    lines += [
        "",
        f"{dup['distinct_texts']} distinct texts, {dup['distinct_urls']} distinct URLs.",
        "",
        "## Field fill rates",
        "",
        "| field | filled |",
        "|---|---:|",
    ]
    lines += [f"| `{name}` | {value:.1%} |" for name, value in card["fill_rates"].items()]
    for key in ("site", "language", "date"):
        counts = card["counts"][key]
        lines += ["", f"## Records per {key}", "", f"| {key} | records |", "|---|---:|"]
        ordered = (
            sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if key != "date"
            else sorted(counts.items())
        )
        lines += [f"| {name} | {count} |" for name, count in ordered[:MAX_ROWS]]
        if len(counts) > MAX_ROWS:
            lines.append(f"| ({len(counts) - MAX_ROWS} more in dataset_card.json) | |")
    return "\n".join(lines) + "\n"
