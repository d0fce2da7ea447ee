"""py3langid's identifier, loaded and run faster, giving exactly its answers.

Loading: the model ships as an xz-compressed npz; unpacking it costs ~0.5 s of CPU in
every process that detects a language. The arrays are kept uncompressed under
$XDG_CACHE_HOME/newscrawl (~/.cache) and memory-mapped, so processes also share them
instead of each holding ~70 MB. Without a writable cache the xz file is read as before.

Scoring: py3langid walks its byte automaton (Aho-Corasick over byte n-grams) in a Python
loop, ~0.3 µs a byte. In such an automaton the state after any text is the state reached
from the start by its last D bytes, D being the deepest state: so all states come out
of D vectorized steps over the whole text. Feature counts are then given in py3langid's
own order (first occurrence), so the float sums, hence the probabilities, are identical.
The load checks that against py3langid's own loop and falls back to it on any mismatch.
"""

from __future__ import annotations

import io
import json
import lzma
import os
import shutil
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from py3langid import langid

_ARRAYS = ("ptc", "pc", "nextmove", "nextmove_row", "out_feat")
# Short texts in several scripts: the check that the vectorized walk is py3langid's.
_CHECK_TEXTS = (
    "The council approved the budget on Tuesday after a long debate about buses and bridges.",
    "Hội đồng đã thông qua ngân sách vào thứ Ba sau một cuộc tranh luận dài về xe buýt.",
    "Der Stadtrat hat den Haushalt am Dienstag nach einer langen Debatte über Busse genehmigt.",
    "議会は火曜日、バスと橋についての長い議論の末に予算を承認した。市議会の決定。",
    "Совет утвердил бюджет во вторник после долгих дебатов об автобусах и мостах.",
    "مجلس المدينة وافق على الميزانية يوم الثلاثاء بعد نقاش طويل",
    "x", "",
)


class FastIdentifier(langid.LanguageIdentifier):  # type: ignore[misc]  # py3langid has no type hints
    """py3langid's LanguageIdentifier with the automaton walk vectorized."""

    __slots__ = ("_depth", "_np_nextmove", "_np_output", "_np_rowbase")

    def setup_walk(self, nextmove: np.ndarray, rows: np.ndarray, output: np.ndarray, depth: int) -> None:
        self._np_nextmove = np.asarray(nextmove)  # plain views: a memmap wraps every result (slow)
        self._np_rowbase = rows.astype(np.int64) << 8
        self._np_output = np.asarray(output)
        self._depth = depth

    def _raw_score(self, text: bytes) -> Any:
        visits = self.visit_counts(text)
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        return super()._raw_score(b"")  # py3langid's answer for no features

    def visit_counts(self, text: bytes) -> dict[int, int] | None:
        data = np.frombuffer(text, dtype=np.uint8).astype(np.int64)
        size = len(data)
        states = np.zeros(size, dtype=np.int64)
        for back in range(min(self._depth, size) - 1, -1, -1):  # position i reads byte i - back
            states[back:] = self._np_nextmove[self._np_rowbase[states[back:]] + data[: size - back]]
        features = self._np_output[states]
        features = features[features >= 0]
        if not len(features):
            return None
        values, first, counts = np.unique(features, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")  # py3langid's Counter order: first occurrence
        return dict(zip(values[order].tolist(), counts[order].tolist(), strict=True))


def deepest_state(nextmove: np.ndarray, rows: np.ndarray) -> int:
    """Length of the longest shortest path from the start state (breadth-first; states that
    share a transition row are expanded once)."""
    rows = rows.astype(np.int64)
    depth = np.full(len(rows), -1, dtype=np.int64)
    depth[0] = 0
    frontier = np.zeros(1, dtype=np.int64)
    level = 0
    steps = np.arange(256, dtype=np.int64)
    while len(frontier):
        bases = np.unique(rows[frontier]) << 8
        fresh = np.zeros(len(rows), dtype=bool)
        fresh[nextmove[(bases[:, None] + steps).ravel()]] = True
        frontier = np.flatnonzero(fresh & (depth < 0))
        level += 1
        depth[frontier] = level
    return int(depth.max())


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    model = Path(langid.MODEL_DIR) / langid.MODEL_FILE
    stat = model.stat()
    return Path(base) / "newscrawl" / f"py3langid-{stat.st_size}-{stat.st_mtime_ns}"


def _mapped(folder: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}, meta


def _load_arrays() -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The model's arrays and {classes, depth}, memory-mapped from the cache (written on first use)."""
    folder = _cache_dir()
    try:
        return _mapped(folder)
    except (OSError, ValueError):
        pass
    arrays, classes = _unpack()
    meta = {"classes": classes, "depth": deepest_state(arrays["nextmove"], arrays["nextmove_row"])}
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent))
        try:
            for name, array in arrays.items():
                np.save(tmp / f"{name}.npy", array)
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            os.rename(tmp, folder)  # whole or not at all
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another process wrote it first, or no space
        return _mapped(folder)
    except (OSError, ValueError):
        return arrays, meta  # no writable cache: this process keeps its own copy


def _unpack() -> tuple[dict[str, np.ndarray], list[str]]:
    with lzma.open(Path(langid.MODEL_DIR) / langid.MODEL_FILE) as stream, \
            np.load(io.BytesIO(stream.read()), allow_pickle=False) as data:
        return {name: data[name] for name in _ARRAYS}, data["classes"].tolist()


@lru_cache(maxsize=1)
def identifier() -> Any:
    """py3langid's identifier (norm_probs=True), the fast one when it agrees with the original."""
    try:
        arrays, meta = _load_arrays()
        fast = FastIdentifier(np.asarray(arrays["ptc"]), np.asarray(arrays["pc"]), meta["classes"], None,
                              None, norm_probs=True, tk_row=[])  # the walk below uses its own arrays
        fast.setup_walk(arrays["nextmove"], arrays["nextmove_row"], arrays["out_feat"], int(meta["depth"]))
        if _agrees(fast, arrays):
            return fast
    except (OSError, ValueError, KeyError, IndexError):
        pass
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def _agrees(fast: FastIdentifier, arrays: dict[str, np.ndarray]) -> bool:
    nextmove = np.asarray(arrays["nextmove"])
    rowbase = (arrays["nextmove_row"].astype(np.int64) << 8).tolist()
    output = arrays["out_feat"].tolist()
    for text in _CHECK_TEXTS:
        data = fast._encode(text)
        slow: Counter[int] | None = langid.visit_counts(nextmove, rowbase, output, data)
        quick = fast.visit_counts(data)
        if slow is None or quick is None:
            if slow is not quick:
                return False
        elif list(slow.items()) != list(quick.items()):
            return False
    return True
