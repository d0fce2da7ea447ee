"""Split a prepared evaluation set into a tuning half and a held-out half.

    python bench/devsplit.py DATA_DIR OUT_ROOT   ->  OUT_ROOT/<name>-tune/, OUT_ROOT/<name>-heldout/

A page goes to a half by a hash of its id, so the split is the same on every machine and
does not move when pages are added. Each half is a folder score.py reads: its own
truth.jsonl and symbolic links to the pages. Tune on `-tune`; report `-heldout`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path


def half_of(page_id: str) -> str:
    return "tune" if int(hashlib.sha1(page_id.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def split(data_dir: Path, out_root: Path) -> dict[str, int]:
    rows = [json.loads(line) for line in (data_dir / "truth.jsonl").open(encoding="utf-8") if line.strip()]
    counts: dict[str, int] = {}
    for half in ("tune", "heldout"):
        out = out_root / f"{data_dir.resolve().name}-{half}"
        out.mkdir(parents=True, exist_ok=True)
        mine = [row for row in rows if half_of(row["id"]) == half]
        with (out / "truth.jsonl").open("w", encoding="utf-8") as handle:
            for row in mine:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                for suffix in (".html", ".html.gz"):
                    page = data_dir.resolve() / f"{row['id']}{suffix}"
                    link = out / page.name
                    if page.exists() and not link.exists():
                        link.symlink_to(page)
        counts[half] = len(mine)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("out_root", type=Path)
    args = parser.parse_args()
    print(args.data_dir, split(args.data_dir, args.out_root))


if __name__ == "__main__":
    main()
