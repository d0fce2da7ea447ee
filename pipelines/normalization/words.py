"""Script-aware word counts: the one measure of "how much text" every stage uses.

Splitting on whitespace counts a Japanese or Chinese paragraph as one word and a Thai
sentence as two or three. Here:
* Han characters and kana count one word each (the convention of word processors and
  of CJK reading-speed figures; a Chinese word is 1-2 characters, so this errs long);
* Thai, Lao, Khmer and Myanmar write words without spaces and have no cheap
  segmenter: a run counts one word per `_CHARS_PER_WORD` letters (combining vowel and
  tone marks not counted), the average word length in those scripts;
* every other script (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Hangul, ...)
  counts runs of letters and digits between spaces and punctuation, as `\\w+` does;
  Korean puts spaces between phrases, so its count is of phrases, as Korean tools count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_SOUTHEAST = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")  # Thai, Lao, Myanmar, Khmer
# `\w` leaves out combining marks, which split Indic words (दिल्ली) and vowelled Arabic in pieces.
_WORD = re.compile(r"[\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
                   r"\u06d6-\u06ed\u0900-\u0dff\u0f00-\u0fff]+")
_CHARS_PER_WORD = 4
_LIST_CHARS = 1 << 16  # above this, matches are counted one by one, not listed


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Matches of `pattern` in `text`. A list of a 10 MB text's words holds ~110 MiB at once;
    counting them one by one holds one; listing them is faster on ordinary texts."""
    if len(text) < _LIST_CHARS:
        return len(pattern.findall(text))
    return sum(1 for _ in pattern.finditer(text))


def count_words(text: str) -> int:
    """Words in `text`, counted the way its script separates them (see the module doc)."""
    if len(text) < _LIST_CHARS:
        return _remembered_count(text)
    return _word_count(text)  # a cache would keep four texts of up to 10 MB each alive


@lru_cache(maxsize=4)  # the classifier and the record count the same body text
def _remembered_count(text: str) -> int:
    return _word_count(text)


def _word_count(text: str) -> int:
    if not text:
        return 0
    if text.isascii():  # the common case, without the script scans
        return _count(_WORD, text)
    cjk = _count(_CJK, text)
    southeast = 0
    for run in _SOUTHEAST.findall(text):
        letters = sum(1 for ch in run if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn")
        southeast += -(-letters // _CHARS_PER_WORD)
    rest = _SOUTHEAST.sub(" ", _CJK.sub(" ", text)) if cjk or southeast else text
    return cjk + southeast + _count(_WORD, rest)


def spaceless_share(text: str) -> float:
    """Share of the letters of `text` in scripts written without spaces between words."""
    letters = sum(1 for ch in text if ch.isalpha())
    if not letters:
        return 0.0
    spaceless = len(_CJK.findall(text)) + sum(len(run) for run in _SOUTHEAST.findall(text))
    return min(1.0, spaceless / letters)
