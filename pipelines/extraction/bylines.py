"""Byline text -> the names it credits: persons and organisations, as printed.

`By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER Associated Press` gives three persons
(credit: Associated Press); `Le Figaro et AFP` two organisations (credit: AFP); `Tom Krisher,
AP Auto Writer` one person (credit: AP); `Thu Hằng/VOV-Tây Bắc` one person (credit:
VOV-Tây Bắc); `MND Staff`, `dpa`, `DER SPIEGEL` themselves. Dropped: roles, e-mail addresses,
handles, dates, buttons ("View all posts"), CMS accounts ("admin").

The words of each language (byline prefixes, connectors, roles, desks, page furniture) are data
in `pipelines/languages` (`[bylines]`); agencies and CMS accounts are in the shared file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .byline_words import CASELESS, Vocabulary, vocabulary
from .titles import squash

_NOISE = re.compile(r"\S+@\S+\.\w+|https?://\S+|www\.\S+|(?<!\w)@\w+|\[[^\[\]]*\]")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
# A degree or credential after a name: `MS`, `RD`, `CFP`, `PhD`, `M.D.`.
_CREDENTIAL = re.compile(r"^(?:(?=[A-Za-z]*[A-Z][a-z]*[A-Z])[A-Za-z]{2,6}|(?:[A-Z][a-z]?\.){2,3})$")
_HANDLE = re.compile(r"^[\w.-]*(?:\d|_)[\w.-]*$")  # `rmb8090`, `kei_eno`: account names, not bylines
_PARTICLES = frozenset((
    "de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "ter",
    "bin", "binti", "al", "el", "y", "e", "st", "zu", "mac", "ten", "af", "och", "the", "of"))
MAX_NAMES = 20


@dataclass
class Byline:
    names: list[str] = field(default_factory=list)  # persons and organisations, in byline order
    persons: list[str] = field(default_factory=list)  # the names that are people
    credits: list[str] = field(default_factory=list)  # wire services and agencies the byline credits
    signed: bool = False  # the text said it is a byline (`By ...`, `Von ...`)

    @property
    def credit(self) -> str | None:
        return ", ".join(self.credits) or None

    def add(self, other: Byline) -> None:
        for name in other.names:
            if name not in self.names and len(self.names) < MAX_NAMES:
                self.names.append(name)
        self.persons += [p for p in other.persons if p not in self.persons]
        self.credits += [c for c in other.credits if c not in self.credits]
        self.signed = self.signed or other.signed


def parse_byline(raw: str, *, language: str | None = None, strict: bool = True,
                 publishers: tuple[str, ...] = (), single: bool = False) -> Byline:
    """The names one byline text credits.

    strict: the text comes from the page's visible furniture, so a name must look like one
    (capitalised words or a script without case); structured data (JSON-LD, meta) is taken
    as the site wrote it, lowercase handles of a blog included.
    publishers: squashed names of the site; after a person they are an affiliation.
    single: a one-word name stands on its own (`Susan` in an element that holds the author's name);
    without it, visible text needs a prefix (`By Clay`) for one.
    """
    voc = vocabulary(language)
    out = Byline()
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    text = _NOISE.sub(" ", text)
    whole = _PAREN.fullmatch(text.strip())
    if whole:  # `(TTXVN/Vietnam+)`, `（文：山田太郎）`
        text = whole.group(1)
    bracketed = ""  # `Anh Thư (Dân Việt)`: the paper a syndicated story comes from
    for inner in _PAREN.findall(text):
        inner = inner.strip()
        via = voc.credit_prefix.match(inner)
        if squash(inner) in voc.agencies:  # `John Smith (AFP)`
            out.credits.append(inner)
        elif via:  # `Minh Anh (theo Reuters)`
            out.credits.append(inner[via.end():].strip(" ."))
        elif 2 <= len(inner) <= 40 and inner[:1].isupper():
            bracketed = inner
    unstripped = voc.not_author.sub("", _PAREN.sub(" ", text))
    text = _with_final_period(unstripped.strip(" .,:;-–—|"), unstripped)
    credit = voc.credit_prefix.match(text)
    if credit:  # `Theo VnExpress`: the source the story comes from, not its author
        source = text[credit.end():].strip(" .")
        if bracketed and source:  # `Theo Anh Thư (Dân Việt)`: the writer, and the paper credited
            found = parse_byline(source, language=language, strict=strict, publishers=publishers)
            if found.persons:
                found.credits = [bracketed]
                return found
        if 2 <= len(source) <= 60:
            out.credits.append(source)
        return out
    prefixed = voc.prefix.match(text)
    start = prefixed.end() if prefixed else _after_dateline(text, voc)
    if start is not None:  # `by jsteinhardt`: whatever follows a byline prefix is the byline
        text, out.signed = text[start:], True
    pieces = voc.split.split(text)
    previous: str | None = None  # kind of the last part kept: person, organisation
    listed = False  # a connector seen: `A, B and C` has ended its list of names
    in_role = False  # the last part was a person's title
    junk = 0  # parts that are no name at all (`Photovoltaik / Solarthermie / Speicher`)
    for i in range(0, len(pieces), 2):
        separator = pieces[i - 1].strip() if i else ""
        part = pieces[i].strip()
        lead = voc.connector.match(part)
        if lead:  # `A, B, and C`
            separator, part = lead.group().strip(), part[lead.end():]
        part = _clean_part(part, voc)
        if not part:
            continue
        kind, name = _classify(part, voc, strict, publishers, after=previous is not None, credits=out.credits,
                               single=single, prefixed=start is not None)
        one_word = " " not in (name or " ") and not CASELESS.search(part)
        if kind == "person" and strict and one_word and not (single or start is not None):
            junk += 1
            continue  # one capitalised word of page furniture (`Insights`, `History`), not `By Clay`
        joined = separator in ("", "&") or separator[:1].isalpha()  # `X and Y`: co-authors
        if kind == "role" or (in_role and joined and i and not lead):
            # `AP Auto Writer` after a name: the person's title, maybe naming a wire, with what the
            # title joins (`Head of Marketing and Community Development`)
            out.credits += [a for a in _agencies_in(part, voc) if a not in out.credits]
            in_role = True
            continue
        in_role = False
        if kind == "sentence":
            return Byline()  # one part of it is prose: the text is no byline
        if kind is None or name is None:
            junk += 1
            continue
        if previous and not joined and (
                listed or (previous == "person" and (kind in ("agency", "publisher") or separator in "/|／"))
                or (kind == "person" and one_word)
                or (previous == "person" and kind == "organisation" and _CREDENTIAL.match(name))):
            # `Max Muster, dpa`, `Andy Sahadeo | Fox News`, `Thu Hằng/VOV`, `Reuters, Washington`,
            # `A and B, Sioux Falls Argus Leader`, `Jillian Kubala, MS, RD`: an affiliation, a
            # dateline or a degree, not another author
            if kind == "agency" or (separator in ("/", "／") and previous == "person"):
                out.credits.append(name)
            junk += kind == "person" and one_word
            continue
        listed = listed or (bool(separator) and separator[:1].isalpha())
        if kind == "agency" and name not in out.credits:
            out.credits.append(name)
        if name not in out.names:
            out.names.append(name)
            if kind == "person":
                out.persons.append(name)
        previous = "person" if kind == "person" else "organisation"
    if strict and junk >= 3 and junk > len(out.names):
        return Byline()  # a list of categories or links in a box marked `author`, not a byline
    # `Sobre Carlos Nadalim` (an author box heading) next to `Carlos Nadalim`: keep the name.
    keep = [n for n in out.names if not any(o != n and n.endswith(" " + o) for o in out.names)]
    out.names, out.persons = keep[:MAX_NAMES], [p for p in out.persons if p in keep]
    return out


def _after_dateline(text: str, voc: Vocabulary) -> int | None:
    """`Veröffentlicht am 8. Februar 2022 von PETA-Team`, `Posted on May 3, 2021 by X`: the prefix
    that follows a date or a publication note."""
    for match in voc.mid_prefix.finditer(text):
        before = text[: match.start()]
        if any(c.isdigit() for c in before) or voc.cut.search(" x " + before.split(" ", 1)[-1]) or (
                before.split()[0].casefold() in voc.furniture) or " " in match.group(1).strip():
            return match.end()  # `This post was written by X`: a prefix of two words is one anywhere
    return None


def _clean_part(part: str, voc: Vocabulary) -> str:
    return _with_final_period(_cleaned_part(part, voc), part)


# A name that ends with an initial or `Jr.`: its period is part of it as printed (`Joe S.`).
_FINAL_ABBREVIATION = re.compile(r"(?:^|[\s.])(?:[^\W\d_]|Jr|Sr)$")


def _with_final_period(cleaned: str, source: str) -> str:
    return f"{cleaned}." if _FINAL_ABBREVIATION.search(cleaned) and f"{cleaned}." in source else cleaned


def _cleaned_part(part: str, voc: Vocabulary) -> str:
    part = part.strip(" .,:;-–—|/'\"“”‘’()©®")
    part = voc.prefix.sub("", part, count=1)
    cut = voc.cut.search(part)
    if cut and cut.start() > 0 and " " not in cut.group().strip() and cut.group().strip().islower():
        return ""  # `Insights from`: a label that ends where the name would begin
    part = voc.cut.sub("", part)
    if _is_account(part.split(" ", 1)[0], voc):  # `rmb8090 10 Nov 2017`: the digits are no date
        return ""
    part = voc.date.sub("", part)
    return part.strip(" .,:;-–—|/'\"“”‘’()")


def _is_account(token: str, voc: Vocabulary) -> bool:
    """`admin`, `jdadmin`, `rmb8090`, `kei_eno`: a CMS account or a handle, not a byline."""
    key = squash(token)
    if not key or CASELESS.search(token):
        return False
    return key in voc.accounts or bool(_HANDLE.match(token)) or (
        token.islower() and any(len(a) >= 5 and a in key for a in voc.accounts))


def _classify(part: str, voc: Vocabulary, strict: bool, publishers: tuple[str, ...], after: bool,
              credits: list[str], single: bool = False, prefixed: bool = False
              ) -> tuple[str | None, str | None]:
    """(kind, name as it should be written): kind person, organisation, agency, publisher, role, or None."""
    key = squash(part)
    if not key:
        return None, None
    if key in voc.agencies:
        return "agency", part
    if " " not in part and _is_account(part, voc):
        return None, None
    words = part.split()
    folded = [w.casefold().strip(".,") for w in words]
    if " ".join(folded) in voc.prefix_words:
        return None, None  # `By`, `Written By` standing alone
    if ":" in part or "：" in part:
        return None, None  # `Foto: Ingo Schneider`, `Schwerpunkte: Home-Office`: a label, not a byline
    if " ".join(folded) in voc.desks:
        return "organisation", part  # `Nhóm PV`, `Redaktion`
    if after and len(words) <= 4 and not CASELESS.search(part) and (
            (_is_role(folded[-1], voc) and (words[-1].islower() or all(
                f in voc.role_words or squash(f) in voc.agencies or (w.isupper() and len(w) <= 5)
                for w, f in zip(words, folded, strict=True))))
            or (len(words) > 1 and _is_role(folded[0], voc) and words[1].islower())):
        # `X, Staff Writer`, `X, AP Auto Writer`, `X, CNN Editor-at-large`, `X, Projektleiterin der HSS`
        return "role", None
    if sum(w in voc.furniture for w in folded) * 2 > len(folded):
        return None, None  # `View all posts`, `Alle Beiträge`, `Follow`
    if all(f in voc.role_words for f in folded) and any(_is_role(f, voc) for f in folded):
        return "organisation", part  # `Staff Writer` standing alone: a desk byline
    if strict:  # structured data names a person in its own field: `Rasender Reporter` is a pen name
        words = _strip_roles(words, voc)
    for size in (3, 2, 1):  # `Eric Tucker Associated Press`: a wire named after the person
        if len(words) > size + 1 and squash(" ".join(words[-size:])) in voc.agencies:
            credits.append(" ".join(words[-size:]))
            words = words[:-size]
            break
    name = " ".join(words)
    if not name or len(words) > 6 or len(name) > 60:
        return None, None
    caseless = bool(CASELESS.search(name))
    if caseless:
        name = _strip_caseless_role(name, voc)
        return ("person", name) if 2 <= len(name.replace(" ", "")) <= 30 or not strict else (None, None)
    if not any(c.isalpha() for c in name):
        return None, None
    if any(p == key or (len(p) >= 4 and p in key) or (len(p) >= 3 and key.startswith(p)) for p in publishers):
        return "publisher", name  # `Fox News`, `Sputnik International` on sputniknews
    # `TOI staff`, `MND Staff`; not `our engineering team`
    desk = any(w.casefold().strip(".,") in voc.desks for w in words) and not words[0].islower()
    loose = (prefixed and len(words) == 1) or (single and len(words) <= 3)  # `by jsteinhardt`
    if strict and not desk and not loose and not all(
            w[:1].isupper() or w[:1].isdigit() or w.casefold() in _PARTICLES for w in words):
        return "sentence", None  # `The Russian and Syrian defense ministries`: prose, not a byline
    if desk or (len(words) == 1 and name.isupper() and len(name) <= 5):
        return "organisation", name  # `MND Staff`, `Redaktion`, `SID`-like initials kept as printed
    return "person", _person_case(name)


def _strip_roles(words: list[str], voc: Vocabulary) -> list[str]:
    """`Meg James Staff Writer` -> `Meg James`; `Senior Correspondent Jane Doe` -> `Jane Doe`."""
    folded = [w.casefold().strip(".,") for w in words]
    end = len(words)
    if end > 1 and _is_role(folded[-1], voc):
        while end > 1 and (folded[end - 1] in voc.role_words or _is_role(folded[end - 1], voc)):
            end -= 1
    start = 0
    if end - start > 2 and _is_role(folded[0], voc) or (
            end - start > 2 and folded[0] in voc.role_words and any(_is_role(f, voc) for f in folded[:end])):
        while start < end - 2 and (folded[start] in voc.role_words or _is_role(folded[start], voc)):
            start += 1
    return words[start:end]


def _is_role(word: str, voc: Vocabulary) -> bool:
    """`writer`, `FOCUS-Online-Experte` (a compound ending in a role)."""
    return word in voc.roles or word.rsplit("-", 1)[-1] in voc.roles


def _strip_caseless_role(name: str, voc: Vocabulary) -> str:
    """`정덕현 칼럼니스트`, `홍길동기자`, `山田太郎 記者`, `칼럼니스트 박생강` -> the name."""
    for role in voc.caseless_roles:
        if name.endswith(role) and len(name) - len(role) >= 2:
            return name[: -len(role)].strip()
        if name.startswith(role + " ") and len(name) - len(role) >= 3:
            return name[len(role):].strip()
    return name


def _agencies_in(part: str, voc: Vocabulary) -> list[str]:
    return [w for w in part.split() if squash(w) in voc.agencies]


def _person_case(name: str) -> str:
    """An all-capitals byline written the way names are: `LISA MASCARO` -> `Lisa Mascaro`."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) <= 3 or not all(c.isupper() for c in letters):
        return name
    return " ".join(_title_word(w) for w in name.split())


def _title_word(word: str) -> str:
    if len(word) <= 2 and word.endswith("."):  # an initial
        return word
    out, upper = [], True
    for char in word.lower():
        out.append(char.upper() if upper else char)
        upper = char in "-'’"
    return "".join(out)
