"""The per-language vocabulary files load and hold only known sections of strings."""

from __future__ import annotations

from pipelines.languages import SHARED, languages, vocabulary

SECTIONS = {"dates", "bylines", "boilerplate"}


def _values(node: object) -> list[object]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _values(value)]
    if isinstance(node, list):
        return [v for value in node for v in _values(value)]
    return [node]


def test_every_language_file_is_well_formed() -> None:
    for language in (SHARED, *languages()):
        data = vocabulary(language)
        assert set(data) <= SECTIONS, f"{language}.toml: unknown sections {set(data) - SECTIONS}"
        for value in _values(data):
            assert isinstance(value, (str, int)), f"{language}.toml: {value!r} is not a string or number"
            assert not isinstance(value, str) or value.strip(), f"{language}.toml: an empty word"


def test_unknown_language_has_no_vocabulary() -> None:
    assert vocabulary("zz-not-a-language") == {}
