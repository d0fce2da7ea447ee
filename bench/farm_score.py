"""Score a crawl's JSON lines against a newsfarm manifest.

    python bench/farm_score.py --manifest build/farm/manifest.jsonl --input build/crawl.jsonl [--json]

recall (by canonical URL), duplicate records, non-article records, records under a
robots.txt Disallow, and dates: `published_at` must be the same instant *and* the same
UTC offset as the page states (Z and +00:00 are the same offset).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from crawler.urls import dedup_key


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def same_moment_and_offset(value: str | None, truth: str) -> bool:
    if not value:
        return False
    a, b = datetime.fromisoformat(value), datetime.fromisoformat(truth.replace("Z", "+00:00"))
    return a == b and a.utcoffset() == b.utcoffset()


def score(manifest: list[dict], records: list[dict]) -> dict:
    truth = {dedup_key(m["url"]): m for m in manifest}
    found: dict[str, dict] = {}
    duplicates = other = private = dates_ok = 0
    for record in records:
        key = dedup_key(record["url"])
        if urlsplit(record["url"]).path.startswith("/private/"):
            private += 1
        if key not in truth:
            other += 1
        elif key in found:
            duplicates += 1
        else:
            found[key] = record
            dates_ok += same_moment_and_offset(record.get("published_at"), truth[key]["published"])
    missed = [m["url"] for k, m in truth.items() if k not in found]
    return {
        "records": len(records), "expected": len(truth), "found": len(found),
        "recall": round(len(found) / len(truth), 4) if truth else None,
        "duplicates": duplicates, "non_article_records": other, "private_records": private,
        "date_exact_with_offset": round(dates_ok / len(found), 4) if found else None,
        "missed": missed[:20],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", required=True, type=Path)
    parser.add_argument("--input", required=True, type=Path)
    args = parser.parse_args()
    print(json.dumps(score(load(args.manifest), load(args.input)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
