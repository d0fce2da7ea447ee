"""Page language (ISO 639-1): the text's own evidence, the page's declaration as tie-breaker."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_SAMPLE = 3000  # characters of text are plenty for a confident guess
_MIN_TEXT = 80


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # Read-only model, loaded once per process on first use.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, declared: str | None = None) -> str | None:
    declared = (declared or "").lower()[:2] or None
    if len(text) < _MIN_TEXT:
        return declared
    lang, prob = _identifier().classify(text[:_SAMPLE])
    if prob < 0.6 and declared:
        return declared
    return str(lang)
