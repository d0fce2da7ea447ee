"""Build the labelled near-duplicate evaluation set (bench/neardup/set.jsonl.gz).

Sources are real article bodies: the hand-checked AEB bodies (../shared/aeb/ground-truth.json)
and the Vietnamese pages of tests/fixtures (vn-html and the seed page, run through our own
extraction). Every source starts a cluster; variants are generated from it:

* syndicated: the same article on another site, with that site's boilerplate (credit and
  lead tags, related headlines, share/subscribe lines, copyright footer), typography
  changes, merged or split paragraphs, and often a trimmed end or a dropped paragraph;
* updated: later versions of one article (numbers changed, sentences edited, an update
  paragraph added, a paragraph removed), each built on the previous version;
* brief / syndicated_brief: short items (about 60 words) of press sites that all end with
  the same long "About" paragraph, and each item once more on an aggregator without it:
  different items of one site are hard negatives, the two copies of an item a hard positive;
* follow_up: for the most similar pairs of different articles (same topic), a version of the
  second one that reuses a background paragraph of the first: it belongs to the second
  article's cluster and must not be linked to the first (a hard negative).

Documents of one cluster are duplicates of each other, documents of different clusters are
not. `pairs` lines name the hard negatives: the most similar source pairs by topic (content
word cosine) and the follow-ups. Usage:

    python bench/neardup/build_set.py [--aeb ../shared/aeb] [--seed 1] [-o bench/neardup/set.jsonl.gz]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.neardup.variants import BRIEF_SITES, EN_SITES, VI_SITES, briefs, sentences, syndicate, update  # noqa: E402

STOP = set(
    "the a an and or of to in on for with that this is are was were be by as at from it its has have had "
    "he she they we you i not but which who will would said their his her our more than also".split()
)


def aeb_sources(aeb: Path) -> Iterator[dict[str, Any]]:
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, entry in sorted(truth.items()):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", entry["articleBody"]) if p.strip()]
        credit = re.sub(r"^www\.", "", entry["url"].split("/")[2])
        yield {"source": f"aeb:{page_id[:16]}", "lang": "en", "credit": credit, "paragraphs": paragraphs}


def vietnamese_sources() -> Iterator[dict[str, Any]]:
    from crawler.items import RawPage
    from pipelines.process import process_page

    fixtures = ROOT / "tests" / "fixtures"
    pages = [
        (fixtures / "seed" / "seed-reconstructed.html", "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html")
    ]
    for line in (fixtures / "vn-html" / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pages.append((fixtures / (row.get("stored_as") or f"vn-html/{row['file']}.gz"), row["url"]))
    for path, url in pages:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        record = process_page(
            RawPage(url=url, html=data.decode("utf-8"), fetched_at="2024-01-01T00:00:00+00:00")
        )
        credit = {"vnexpress.net": "VnExpress", "dantri.com.vn": "Dân trí"}.get(str(record.site), "TTXVN")
        yield {
            "source": f"vn:{path.name.split('.')[0]}",
            "lang": "vi",
            "credit": credit,
            "paragraphs": record.text.split("\n"),
        }


def topic_vector(paragraphs: list[str]) -> Counter[str]:
    return Counter(w for w in re.findall(r"[^\W\d_]{3,}", " ".join(paragraphs).lower()) if w not in STOP)


def cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    dot = sum(a[w] * b[w] * idf[w] ** 2 for w in a.keys() & b.keys())
    norm = math.sqrt(
        sum((c * idf[w]) ** 2 for w, c in a.items()) * sum((c * idf[w]) ** 2 for w, c in b.items())
    )
    return dot / norm if norm else 0.0


def same_topic_pairs(sources: list[dict[str, Any]], count: int) -> list[tuple[int, int, float]]:
    """The `count` most similar different articles by tf-idf cosine of content words (same language)."""
    vectors = [topic_vector(s["paragraphs"]) for s in sources]
    df = Counter(w for v in vectors for w in v)
    idf = {w: math.log(len(vectors) / n) for w, n in df.items()}
    scored = [
        (i, j, cosine(vectors[i], vectors[j], idf))
        for i in range(len(sources))
        for j in range(i + 1, len(sources))
        if sources[i]["lang"] == sources[j]["lang"]
    ]
    return sorted(scored, key=lambda t: -t[2])[:count]


def build(aeb: Path, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    reserved_count = BRIEF_SITES * 9
    everything = list(aeb_sources(aeb))
    rng.shuffle(everything)
    reserved, sources = everything[:reserved_count], everything[reserved_count:] + list(vietnamese_sources())
    docs: list[dict[str, Any]] = []

    def add(cluster: int, kind: str, site: str, text: str) -> str:
        doc_id = f"d{len(docs):04d}"
        src = sources[cluster]
        docs.append(
            {
                "id": doc_id,
                "cluster": src["source"],
                "kind": kind,
                "site": site,
                "lang": src["lang"],
                "text": text,
            }
        )
        return doc_id

    originals = [
        add(i, "original", src["credit"], "\n".join(src["paragraphs"])) for i, src in enumerate(sources)
    ]
    for i, src in enumerate(sources):
        sites = VI_SITES if src["lang"] == "vi" else EN_SITES
        others = [s for s in sources if s["lang"] == src["lang"] and s is not src]
        related = [sentences(rng.choice(others)["paragraphs"][0])[0][:120] for _ in range(4)]
        for site in rng.sample(sites, rng.choice([1, 1, 2])):
            add(i, "syndicated", site["site"], syndicate(src, site, related, rng))
        if rng.random() < 0.45:
            version = src["paragraphs"]
            for _ in range(rng.choice([1, 1, 2, 3])):
                version = update(version, src["lang"], rng)
                add(i, "updated", src["credit"], "\n".join(version))
    pairs = []
    for i, j, score in same_topic_pairs(sources, 40):
        pairs.append(
            {
                "a": originals[i],
                "b": originals[j],
                "label": "different",
                "kind": "same_topic",
                "topic_cosine": round(score, 3),
            }
        )
        if (
            len(sources[j]["paragraphs"]) > 2 and len(sources[i]["paragraphs"]) > 1
        ):  # j's follow-up reuses i's background
            paras = list(sources[j]["paragraphs"])
            paras.insert(rng.randrange(1, len(paras)), rng.choice(sources[i]["paragraphs"][1:]))
            follow_up = add(j, "follow_up", sources[j]["credit"], "\n".join(paras))
            pairs.append({"a": originals[i], "b": follow_up, "label": "different", "kind": "follow_up"})
    by_site: dict[str, list[str]] = {}
    for cluster, kind, press, text in briefs(reserved, rng):
        docs.append(
            {
                "id": f"d{len(docs):04d}",
                "cluster": cluster,
                "kind": kind,
                "site": press,
                "lang": "en",
                "text": text,
            }
        )
        if kind == "brief":
            by_site.setdefault(press, []).append(docs[-1]["id"])
    for ids in by_site.values():
        pairs += [
            {"a": a, "b": b, "label": "different", "kind": "same_site_boilerplate"}
            for k, a in enumerate(ids)
            for b in ids[k + 1 :]
        ]
    order = list(range(len(docs)))
    rng.shuffle(order)  # the order a crawl meets them: a copy often comes before the original
    for position, index in enumerate(order):
        docs[index]["order"] = position
    return docs, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aeb", default=str(ROOT.parent / "shared" / "aeb"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", default=str(Path(__file__).parent / "set.jsonl.gz"))
    args = parser.parse_args()
    docs, pairs = build(Path(args.aeb), args.seed)
    lines = [
        {
            "type": "meta",
            "seed": args.seed,
            "documents": len(docs),
            "pairs": len(pairs),
            "label": "documents with the same cluster are duplicates; other pairs are not",
        }
    ]
    lines += [{"type": "document", **doc} for doc in docs] + [{"type": "pair", **pair} for pair in pairs]
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")
    Path(args.output).write_bytes(
        gzip.compress(data, compresslevel=9, mtime=0)
    )  # same bytes for the same seed
    kinds = Counter(d["kind"] for d in docs)
    print(f"{len(docs)} documents ({dict(kinds)}), {len(pairs)} labelled hard pairs -> {args.output}")


if __name__ == "__main__":
    main()
