"""The byline words of every language, compiled: prefixes, connectors, roles, desks, page
furniture (pipelines/languages/<lang>.toml, `[bylines]`), wire agencies and CMS accounts (xx.toml).

A page in a language with a file reads that language's words, English and the shared ones; a page
in an unknown language reads every file's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipelines.languages import SHARED, entry, languages

from .titles import squash

# Between two names: a comma, a spaced dash, a slash (`Thu Hằng/VOV`), a full stop after a word
# that is no initial (`Finian Cunningham. Sputnik International`, not `Sarah E. Needleman`).
_SEPARATOR = (r"[,;&•·|\n]|\s[-–—]\s|(?<=[\w.+])\s*[/／]\s*(?=[\w])"
              r"|(?<!\b[A-Z])(?<!\b[A-Z][a-z])\.\s+(?=[A-ZÀ-ỸА-Я])")
CASELESS = re.compile(r"[\u0600-\u06ff\u0900-\u0dff\u0e00-\u0eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LANGUAGE_ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id"}


@dataclass(frozen=True)
class Vocabulary:
    prefix: re.Pattern[str]
    credit_prefix: re.Pattern[str]
    split: re.Pattern[str]
    connector: re.Pattern[str]  # a part that starts with one (`A, B, and C`)
    mid_prefix: re.Pattern[str]  # a one-word prefix inside the text (`... 2022 von X`)
    cut: re.Pattern[str]
    not_author: re.Pattern[str]  # `Edited by`, `Reviewed by`: a credit that names no author, to the end
    date: re.Pattern[str]  # from a date on: `Jane Doe November 18, 2019`, `Jane Doe 12.03.2020`
    roles: frozenset[str]  # casefolded role words ("writer", "기자")
    caseless_roles: tuple[str, ...]  # roles written right after a name without a space (`山田太郎記者`)
    role_words: frozenset[str]  # roles and the words that qualify them
    prefix_words: frozenset[str]  # casefolded prefixes (`by`, `written by`) met as a whole part
    desks: frozenset[str]
    furniture: frozenset[str]
    agencies: frozenset[str]  # squashed
    accounts: frozenset[str]  # squashed


def _words(langs: tuple[str, ...], key: str) -> list[str]:
    seen: dict[str, None] = {}
    for lang in langs:
        for word in entry(lang, "bylines", key, ()):
            seen.setdefault(word, None)
    return list(seen)


def _months(langs: tuple[str, ...]) -> list[str]:
    """Month names and abbreviations from the languages' [dates] sections (lists of forms per month)."""
    names: dict[str, None] = {}
    for lang in langs:
        for forms in entry(lang, "dates", "months", ()):
            for form in forms if isinstance(forms, list) else [forms]:
                if isinstance(form, str) and len(form) >= 3 and not CASELESS.search(form):
                    names.setdefault(form, None)
    return list(names) or ["jan"]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _prefixes(words: list[str]) -> str:
    """`By X`, `By: X`; a prefix written with its colon (`Bài:`) needs the colon."""
    loose = [w for w in words if not w.endswith(":")]
    tight = [w[:-1] for w in words if w.endswith(":")]
    parts = [f"(?:{_alternation(loose)})(?:\\s*[:：]\\s*|\\s+)"] if loose else []
    parts += [f"(?:{_alternation(tight)})\\s*[:：]\\s*"] if tight else []
    return "^(?:" + "|".join(parts or ["(?!)"]) + ")"


@cache
def vocabulary(language: str | None) -> Vocabulary:
    """The page language's words plus English and the shared ones; every language's when unknown."""
    lang = _LANGUAGE_ALIASES.get(language or "", language or "")
    langs = (SHARED, lang, "en") if lang in languages() else (SHARED, *languages())
    roles = [r.casefold() for r in _words(langs, "roles")]
    role_words = {w for r in roles for w in r.split()}
    role_words |= {m.casefold() for m in _words(langs, "role_modifiers")}
    loose_prefixes = [w for w in _words(langs, "prefixes") if not w.endswith(":")]
    connectors = _alternation(_words(langs, "connectors"))
    return Vocabulary(
        prefix=re.compile(_prefixes(_words(langs, "prefixes")), re.IGNORECASE),
        credit_prefix=re.compile(_prefixes(_words(langs, "credit_prefixes")), re.IGNORECASE),
        split=re.compile(rf"\s*({_SEPARATOR}|\s(?:{connectors})\s)\s*"),
        connector=re.compile(rf"^(?:{connectors})\s+"),
        mid_prefix=re.compile(rf"\s((?:{_alternation(loose_prefixes)})\s)", re.IGNORECASE),
        cut=re.compile(rf"(?:^|(?<=\S)\s)(?:{_alternation(_words(langs, 'cut'))})(?:\s|:|,|$).*$"),
        not_author=re.compile(rf"(?:^|(?<=[\s,.;|]))(?:{_alternation(_words(langs, 'not_authors'))})\b.*$",
                              re.IGNORECASE | re.DOTALL),
        date=re.compile(rf"\b(?:{_alternation(_months(langs))})\.?\s+\d.*$|\d.*$", re.IGNORECASE),
        roles=frozenset(roles),
        caseless_roles=tuple(sorted((r for r in roles if CASELESS.search(r)), key=len, reverse=True)),
        role_words=frozenset(role_words),
        prefix_words=frozenset(w.casefold() for w in loose_prefixes),
        desks=frozenset(d.casefold() for d in _words(langs, "desks")),
        furniture=frozenset(f.casefold() for f in _words(langs, "furniture")),
        agencies=frozenset(squash(a) for a in _words(langs, "agencies")),
        accounts=frozenset(squash(a) for a in _words(langs, "accounts")),
    )


def is_agency(name: str, language: str | None = None) -> bool:
    return squash(name) in vocabulary(language).agencies


def signed_in_caseless_script(line: str, language: str | None = None) -> bool:
    """`정덕현 칼럼니스트 thekian1@naver.com`, `山田太郎記者`: a name in a script without capitals,
    marked as a byline by a role word or an e-mail address."""
    if not CASELESS.search(line):
        return False
    return "@" in line or any(role in line for role in vocabulary(language).caseless_roles)
