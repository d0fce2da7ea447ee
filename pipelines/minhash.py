"""MinHash signatures and LSH band sizes, as datasketch computes them, without datasketch.

datasketch's package imports scipy (for one integral, in MinHashLSH) and its async and
storage modules: ~50 MiB in the crawl process, which needs a dozen lines of it. These are
those lines; tests/test_neardup.py checks them against datasketch value for value, so
signatures stored by earlier runs stay comparable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import cache

import numpy as np

_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


def permutations(num_perm: int, seed: int = 1) -> np.ndarray:
    """The (a, b) pairs of the universal hash functions, as datasketch.MinHash(seed=seed) draws them."""
    gen = np.random.RandomState(seed)
    pairs = [(gen.randint(1, _MERSENNE_PRIME, dtype=np.uint64), gen.randint(0, _MERSENNE_PRIME, dtype=np.uint64))
             for _ in range(num_perm)]
    return np.array(pairs, dtype=np.uint64).T


def _sha1_32(data: bytes) -> int:
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "little")  # datasketch.hashfunc.sha1_hash32


def minhash(values: Iterable[bytes], perms: np.ndarray) -> np.ndarray:
    """The MinHash values (uint64) of a set of byte strings: datasketch's MinHash.update_batch."""
    a, b = perms
    hashes = np.array([_sha1_32(value) for value in values], dtype=np.uint64, ndmin=2).T
    start = np.full(a.shape[0], _MAX_HASH, dtype=np.uint64)
    if hashes.size == 0:
        return start
    # uint64 products wrap around exactly as datasketch's do: the same values, bit for bit.
    permuted = np.bitwise_and((hashes * a + b) % _MERSENNE_PRIME, _MAX_HASH)
    result: np.ndarray = np.minimum(start, permuted.min(axis=0))
    return result


def _integral(function: Callable[[np.ndarray], np.ndarray], low: float, high: float) -> float:
    # Gauss-Legendre, 64 points (datasketch: scipy's quad): the integrands are smooth
    # polynomials of s; the chosen (bands, rows) match datasketch's for 133 settings (the test)
    nodes, weights = _legendre()
    middle, half = (high + low) / 2, (high - low) / 2
    return float(half * np.dot(weights, function(middle + half * nodes)))


@cache
def _legendre() -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.legendre.leggauss(64)
    return nodes, weights


@cache
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising the false positive plus false negative probability at the
    threshold, with equal weights: datasketch.MinHashLSH's choice."""
    best, choice = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            def candidate(s: np.ndarray, r: int = rows, b: int = bands) -> np.ndarray:
                found: np.ndarray = 1 - (1 - s ** float(r)) ** float(b)  # P(a pair of similarity s shares a band)
                return found

            def missed(s: np.ndarray, found: Callable[[np.ndarray], np.ndarray] = candidate) -> np.ndarray:
                return 1 - found(s)

            false_positive = _integral(candidate, 0.0, threshold)
            false_negative = _integral(missed, threshold, 1.0)
            error = false_positive * 0.5 + false_negative * 0.5
            if error < best:
                best, choice = error, (bands, rows)
    return choice


def band_ranges(threshold: float, num_perm: int) -> list[tuple[int, int]]:
    bands, rows = lsh_bands(threshold, num_perm)
    return [(i * rows, (i + 1) * rows) for i in range(bands)]
