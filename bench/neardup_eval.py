"""Precision and recall of near-duplicate detection on the labelled set (bench/neardup/).

Runs the pipeline's own index (pipelines/neardup.py, in memory) over the documents in the
order a crawl would meet them, each under its own URL, and scores:

* records (what the pipeline writes): a document should get `duplicate_of` exactly when a
  document of its cluster came before it, pointing into its cluster. A mark into another
  cluster is a false positive (and a miss); a missing mark is a false negative.
* pairs: every pair of documents that LSH proposes and the estimated Jaccard similarity
  confirms, against "same cluster" (all other pairs, hard negatives included, are negatives).

    python bench/neardup_eval.py [--set bench/neardup/set.jsonl.gz] [--threshold T] [--shingle N] [--num-perm N]

Defaults are the crawl's own settings (crawler/settings.py NEWSCRAWL_NEARDUP_*).
Targets: precision and recall >= 0.95 on both. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import settings as defaults  # noqa: E402
from pipelines.neardup import NearDupIndex, shingles, similarity  # noqa: E402
from pipelines.neardup_store import MemoryStore  # noqa: E402

TARGET = 0.95


def load(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lines = [
        json.loads(line) for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines() if line
    ]
    docs = sorted((d for d in lines if d["type"] == "document"), key=lambda d: d["order"])
    return docs, [p for p in lines if p["type"] == "pair"]


def url_of(doc: dict[str, Any]) -> str:
    return f"https://{doc['site'].lower().replace(' ', '-')}/{doc['id']}"


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score_records(docs: list[dict[str, Any]], index: NearDupIndex) -> dict[str, Any]:
    cluster_of = {url_of(d): d["cluster"] for d in docs}
    seen: set[str] = set()
    tp = fp = fn = 0
    misses: Counter[str] = Counter()
    wrong: list[str] = []
    for doc in docs:
        lookup = index.query(url_of(doc), doc["text"], doc["id"])  # the id stands in for content_hash
        expected = doc["cluster"] in seen
        seen.add(doc["cluster"])
        if lookup.match is not None and cluster_of[lookup.match.url] == doc["cluster"] and expected:
            tp += 1
        else:
            if lookup.match is not None:
                fp += 1
                wrong.append(
                    f"{doc['id']} ({doc['kind']}) -> {lookup.match.url} ({lookup.match.similarity:.2f})"
                )
            if expected:
                fn += 1
                misses[doc["kind"]] += 1
        index.add(lookup)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "misses_by_kind": dict(misses),
        "false_marks": wrong[:10],
    }


def score_pairs(
    docs: list[dict[str, Any]], threshold: float, shingle: int, num_perm: int, hard: list[dict[str, Any]]
) -> dict[str, Any]:
    index = NearDupIndex(MemoryStore(), threshold, num_perm, shingle)
    signatures: dict[str, np.ndarray] = {}
    for doc in docs:
        lookup = index.query(url_of(doc), doc["text"], doc["id"])
        lookup.match = None  # index every document as its own group
        index.add(lookup)
        assert lookup.signature is not None
        signatures[doc["id"]] = lookup.signature
    by_url = {url_of(d): d for d in docs}
    predicted: set[tuple[str, str]] = set()
    for doc in docs:
        lookup = index.query(url_of(doc), doc["text"], f"query-{doc['id']}")
        assert lookup.signature is not None
        for entry in index.store.candidates(lookup.bands, lookup.key, len(docs)):
            if similarity(lookup.signature, np.frombuffer(entry.signature, dtype=np.uint32)) >= threshold:
                a, b = sorted((doc["id"], by_url[entry.url]["id"]))
                predicted.add((a, b))
    clusters: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        clusters[doc["cluster"]].append(doc["id"])
    truth = {tuple(sorted(p)) for ids in clusters.values() for p in combinations(ids, 2)}
    tp = len(predicted & truth)
    texts = {d["id"]: d["text"] for d in docs}
    hard_hits = Counter(p["kind"] for p in hard if tuple(sorted((p["a"], p["b"]))) in predicted)
    worst_negative = max((true_jaccard(texts[p["a"]], texts[p["b"]], shingle), p["kind"]) for p in hard)
    return {
        "tp": tp,
        "fp": len(predicted - truth),
        "fn": len(truth - predicted),
        "positives": len(truth),
        "precision": ratio(tp, len(predicted)),
        "recall": ratio(tp, len(truth)),
        "hard_negatives_linked": dict(hard_hits),
        "hard_negatives": len(hard),
        "max_true_jaccard_of_hard_negatives": (round(worst_negative[0], 3), worst_negative[1]),
        "positive_true_jaccard_below_threshold": sum(
            true_jaccard(texts[a], texts[b], shingle) < threshold for a, b in truth
        ),
    }


def true_jaccard(a: str, b: str, size: int) -> float:
    sa, sb = shingles(a, size), shingles(b, size)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default=str(ROOT / "bench" / "neardup" / "set.jsonl.gz"))
    parser.add_argument("--threshold", type=float, default=defaults.NEWSCRAWL_NEARDUP_THRESHOLD)
    parser.add_argument("--shingle", type=int, default=defaults.NEWSCRAWL_NEARDUP_SHINGLE)
    parser.add_argument("--num-perm", type=int, default=defaults.NEWSCRAWL_NEARDUP_NUM_PERM)
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args()
    docs, hard = load(Path(args.set))
    records = score_records(docs, NearDupIndex(MemoryStore(), args.threshold, args.num_perm, args.shingle))
    pairs = score_pairs(docs, args.threshold, args.shingle, args.num_perm, hard)
    kinds = Counter(d["kind"] for d in docs)
    if args.json:
        print(
            json.dumps(
                {"records": records, "pairs": pairs, "documents": dict(kinds)}, indent=2, ensure_ascii=False
            )
        )
    print(
        f"set: {args.set}: {len(docs)} documents {dict(kinds)}, {len({d['cluster'] for d in docs})} clusters"
    )
    print(f"settings: threshold={args.threshold} shingle={args.shingle} num_perm={args.num_perm}")
    print(
        f"records: precision {records['precision']:.4f} recall {records['recall']:.4f} "
        f"(tp {records['tp']}, fp {records['fp']}, fn {records['fn']}; misses by kind {records['misses_by_kind']})"
    )
    print(
        f"pairs:   precision {pairs['precision']:.4f} recall {pairs['recall']:.4f} "
        f"(tp {pairs['tp']}, fp {pairs['fp']}, fn {pairs['fn']} of {pairs['positives']} duplicate pairs; "
        f"hard negatives linked {pairs['hard_negatives_linked'] or 0} of {pairs['hard_negatives']})"
    )
    for mark in records["false_marks"]:
        print(f"  false mark: {mark}")
    ok = min(records["precision"], records["recall"], pairs["precision"], pairs["recall"]) >= TARGET
    print("targets (>= 0.95): " + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
