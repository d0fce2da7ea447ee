"""Page language (ISO 639-1): the text's own evidence, the page's declaration as tie-breaker.

py3langid's model, read faster with the same answers (langid_model.py): its arrays come
from an uncompressed copy in the user's cache (unpacking the xz file costs half a CPU
second per process), and its byte automaton runs vectorized instead of byte by byte.
"""

from __future__ import annotations

from .langid_model import identifier

LANGUAGE_SAMPLE = 3000  # characters of text are plenty for a confident guess
_MIN_TEXT = 80


def detect_language(text: str, declared: str | None = None) -> str | None:
    declared = (declared or "").lower()[:2] or None
    if len(text) < _MIN_TEXT:
        return declared
    lang, prob = identifier().classify(text[:LANGUAGE_SAMPLE])
    if prob < 0.6 and declared:
        return declared
    return str(lang)
