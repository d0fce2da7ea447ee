"""Near-duplicates: a syndicated copy or an updated version links to the earliest copy seen.

Exact copies are found first by `content_hash`; near copies by MinHash-LSH (datasketch's
MinHash and band choice, computed by pipelines/minhash.py)
over normalized word shingles of `text`. LSH only proposes candidates (records sharing a
band of their signatures); a candidate counts when its estimated Jaccard similarity
reaches the threshold. A record's own earlier versions (same canonical URL) never count:
a new version of an article is not a copy of it. The earliest matching copy decides
`duplicate_of`: the URL of that copy's group root (the first copy of the text ever seen),
and `duplicate_similarity` is the similarity to that matching copy.

Settings read: NEWSCRAWL_NEARDUP_MODE (mark | drop | off), NEWSCRAWL_NEARDUP_THRESHOLD,
NEWSCRAWL_NEARDUP_SHINGLE, NEWSCRAWL_NEARDUP_NUM_PERM, NEWSCRAWL_NEARDUP_MAX_CANDIDATES,
NEWSCRAWL_NEARDUP_STORE and NEWSCRAWL_STATE_DIR (where the index persists, see neardup_store.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import ArticleRecord
from crawler.urls import dedup_key

from .minhash import band_ranges, lsh_bands, minhash, permutations
from .neardup_store import Entry, NearDupStore, open_store

MODES = ("mark", "drop", "off")
# Scripts written without spaces: one character is one token, else a sentence would be one "word".
_NO_SPACES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_NO_SPACES}]|[^\W_{_NO_SPACES}]+")


def words(text: str) -> list[str]:
    """Lower-case word tokens; punctuation, quote styles and spacing do not matter."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = 5) -> set[str]:
    """Runs of `size` consecutive words (a shorter text is one shingle; no words, no shingles)."""
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


class Signer:
    """MinHash signatures with fixed permutations (made once: they cost more than hashing a page)."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.permutations = permutations(num_perm, seed)

    def signature(self, shingle_set: set[str]) -> np.ndarray:
        values = minhash((s.encode("utf-8") for s in sorted(shingle_set)), self.permutations)
        signature: np.ndarray = values.astype(np.uint32)  # values are < 2**32: half the storage
        return signature


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(signature: np.ndarray, ranges: list[tuple[int, int]]) -> list[int]:
    """One 64-bit key per LSH band (band number included, so bands never collide)."""
    keys = []
    for number, (start, end) in enumerate(ranges):
        digest = hashlib.blake2b(
            number.to_bytes(2, "big") + signature[start:end].tobytes(), digest_size=8
        ).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))  # SQLite integers are signed
    return keys


@dataclass(frozen=True)
class Match:
    url: str  # the group root: the earliest copy seen
    similarity: float
    exact: bool


@dataclass
class Lookup:
    """A query's result, kept so that `add` does not compute the signature again."""

    key: str
    url: str
    content_hash: str
    signature: np.ndarray | None  # None: no words to compare
    bands: list[int]
    match: Match | None
    root: Entry | None  # the matching copy whose group this record joins


class NearDupIndex:
    """Query, then add, each record in the order they are seen."""

    def __init__(
        self,
        store: NearDupStore,
        threshold: float = 0.4,
        num_perm: int = 128,
        shingle: int = 5,
        max_candidates: int = 500,
    ) -> None:
        self.store = store
        self.threshold = threshold
        self.shingle = shingle
        self.max_candidates = max_candidates  # bounds the work when a band is shared by very many texts
        self.signer = Signer(num_perm)
        # bands x rows minimizing false positives and negatives at the threshold (as datasketch).
        self.ranges = band_ranges(threshold, num_perm)

    @staticmethod
    def params(threshold: float, num_perm: int, shingle: int) -> str:
        """What makes stored signatures and band keys comparable (see SqliteStore)."""
        bands, rows = lsh_bands(threshold, num_perm)
        return f"minhash-sha1 seed=1 num_perm={num_perm} shingle={shingle} bands={bands}x{rows}"

    def query(self, url: str, text: str, content_hash: str) -> Lookup:
        key = dedup_key(url)
        exact = self.store.first_with_hash(content_hash, key)
        if exact is not None:
            return Lookup(key, url, content_hash, None, [], self._match(key, exact, 1.0, True), exact)
        shingle_set = shingles(text, self.shingle)
        if not shingle_set:
            return Lookup(key, url, content_hash, None, [], None, None)
        signature = self.signer.signature(shingle_set)
        bands = band_keys(signature, self.ranges)
        for candidate in self.store.candidates(bands, key, self.max_candidates):  # earliest first
            score = similarity(signature, np.frombuffer(candidate.signature, dtype=np.uint32))
            if score >= self.threshold:
                return Lookup(
                    key,
                    url,
                    content_hash,
                    signature,
                    bands,
                    self._match(key, candidate, score, False),
                    candidate,
                )
        return Lookup(key, url, content_hash, signature, bands, None, None)

    @staticmethod
    def _match(key: str, candidate: Entry, score: float, exact: bool) -> Match | None:
        if candidate.root_key == key:
            return None  # the copy was made from an earlier version of this very article
        return Match(candidate.root_url, round(score, 4), exact)

    def add(self, lookup: Lookup) -> None:
        if lookup.signature is None:
            return  # an exact copy adds nothing the earlier one does not already give
        root_url, root_key = lookup.url, lookup.key
        if lookup.match is not None and lookup.root is not None:
            root_url, root_key = lookup.root.root_url, lookup.root.root_key
        self.store.add(
            Entry(
                lookup.key,
                lookup.url,
                root_url,
                root_key,
                lookup.content_hash,
                lookup.signature.astype("<u4").tobytes(),
            ),
            lookup.bands,
        )

    def close(self) -> None:
        self.store.close()


class NearDuplicatePipeline:
    """Marks (or drops, NEWSCRAWL_NEARDUP_MODE=drop) records whose text was seen before."""

    def __init__(self, crawler: Crawler, index: NearDupIndex, mode: str) -> None:
        self.crawler = crawler
        self.index = index
        self.mode = mode

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NearDuplicatePipeline:
        settings = crawler.settings
        mode = str(settings.get("NEWSCRAWL_NEARDUP_MODE") or "mark").strip().lower()
        if mode not in MODES:
            raise ValueError(f"NEWSCRAWL_NEARDUP_MODE must be one of {', '.join(MODES)}, not {mode!r}")
        if mode == "off":
            raise NotConfigured("near-duplicate detection is off")
        threshold = settings.getfloat("NEWSCRAWL_NEARDUP_THRESHOLD", 0.4)
        num_perm = settings.getint("NEWSCRAWL_NEARDUP_NUM_PERM", 128)
        shingle = settings.getint("NEWSCRAWL_NEARDUP_SHINGLE", 5)
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"NEWSCRAWL_NEARDUP_THRESHOLD must be in (0, 1], not {threshold}")
        store = open_store(settings, NearDupIndex.params(threshold, num_perm, shingle))
        limit = settings.getint("NEWSCRAWL_NEARDUP_MAX_CANDIDATES", 500)
        index = NearDupIndex(store, threshold, num_perm, shingle, limit)
        return cls(crawler, index, mode)

    def close_spider(self) -> None:
        self.index.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        lookup = self.index.query(item.url, item.text, item.content_hash)
        match = lookup.match
        if match is not None:
            item.duplicate_of, item.duplicate_similarity = match.url, match.similarity
            self._count(f"newscrawl/duplicates/{'exact' if match.exact else 'near'}")
            if self.mode == "drop":
                self._count("newscrawl/dropped/near_duplicate")
                raise DropItem(f"near_duplicate: {match.similarity:.2f} similar to {match.url}: {item.url}")
        self.index.add(lookup)
        return item

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
