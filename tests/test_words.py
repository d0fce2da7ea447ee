"""Script-aware word counts (pipelines/normalization/words.py)."""

from __future__ import annotations

import pytest

from pipelines.normalization.words import count_words, spaceless_share


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello world, 2024 is here.", 5),
    ("Вчера в Москве прошел дождь", 5),
    ("مرحبا بكم في موقعنا الإخباري", 5),
    ("नई दिल्ली में आज बारिश हुई", 6),
    ("서울시는 13일 새로운 확진자를 발표했다", 5),  # Korean: spaces between phrases
    ("東京都は発表した", 8),  # one word per Han character or kana
    ("新华社北京电", 6),
    ("", 0),
])
def test_counts_by_script(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_thai_counts_letters_not_one_run() -> None:
    sentence = "ประเทศไทยมีประชากรประมาณหกสิบหกล้านคน"  # one run, no spaces: ~10 words
    assert 7 <= count_words(sentence) <= 12
    assert count_words(sentence) > len(sentence.split()) * 5


def test_a_japanese_paragraph_is_an_article_sized_count() -> None:
    paragraph = "東京都は十三日、都内で新たに感染者を確認したと発表した。" * 10
    assert count_words(paragraph) >= 200
    assert len(paragraph.split()) == 1


def test_mixed_text_counts_each_part() -> None:
    assert count_words("iPhone 16を発表") == 2 + 3


def test_spaceless_share() -> None:
    assert spaceless_share("東京都は発表した") == 1.0
    assert spaceless_share("Hello world") == 0.0
    assert 0.3 < spaceless_share("Apple 新製品") < 0.5
