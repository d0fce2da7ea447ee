"""Lines that extractors keep but no reader counts as the article: calls to action around it.

Each rule is one kind of page furniture that news sites share, written as a pattern
on a whole short line (prose that merely mentions a newsletter is longer and does
not start that way). English first, with the common forms of other languages where
the wording is as fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from ..languages import words

_MAX_LINE = 300  # characters: furniture is short; a paragraph this long is prose

# Rules on the start of the line (all patterns begin with `^`).
_LINE_STARTS = (
    # Newsletter and subscription prompts, and the messages of their sign-up forms.
    (r"^(?:sign(?:ing)? up|subscribe|get|join|register)\b.{0,160}\b(?:newsletters?|inbox|"
     r"(?:daily|weekly) (?:email|briefing)s?)\b"),
    r"^(?:[\w'’&.-]+ ){0,4}newsletters?$",
    r"^thanks? (?:you )?for (?:signing up|subscribing)\b",
    (r"^(?:abonnieren sie|melden sie sich|inscreva-se|assine|suscr[ií]bete|abonnez-vous|inscrivez-vous|"
     r"iscriviti|đăng ký nhận)\b.{0,160}\b(?:newsletter|boletim|bolet[ií]n|lettre|bản tin)\b"),
    # Share, follow and comment prompts.
    r"^(?:like|enjoy(?:ed)?|love)d? this (?:story|article|post)\b.{0,40}\b(?:share|subscribe|follow)\b",
    r"^follow\b.{0,80}\bon (?:facebook|twitter|x|instagram|linkedin|tiktok|youtube|threads|bluesky)\b",
    (r"^(?:comments?|\d+ comments?|leave a (?:comment|reply)|tell us what you think\W*|"
     r"what do you think\?|like this:?|like loading\W*|show comments|view comments|join the conversation)$"),
    # Page tools and buttons that come out as lines of their own.
    (r"^[-•*]?\s*(?:order reprints?|reprints?(?: & permissions)?|print(?: this)?(?: article| page)?|"
     r"e-?mail(?: this)?(?: article)?|share(?: this)?(?: article| story)?|tweet|save(?: article)?|"
     r"back(?: to top)?|voltar|volver|retour|zurück|imprimir|compartir|compartilhe|partager|teilen|"
     r"drucken|condividi|stampa)$"),
    # Rights notices (a sentence about copyright ends with a full stop; a notice does not).
    r"^(?:copyrights?\s*)?(?:©|ⓒ|\(c\) \d{4})|^copyright\b.{0,80}\b(?:19|20)\d\d\b[^.!?]*$",
    # Headings of related-content boxes: short, no full stop (the box's links are link texts).
    (r"^(?:don'?t miss|see more|see also|also on|also in|more from|most read|most popular|trending now|"
     r"explore further|you (?:may|might) also like|up next|more stories|more news|"
     r"lesen sie auch|mehr zum thema|leia também|veja também|lea también|ver también|à lire aussi|"
     r"lire aussi|leggi anche)\b[^.]{0,100}$"),
    # A labelled link printed as text (`Listen: https://...`); a bare URL may be a listed source.
    r"^[\w'’ ]{1,30}:\s*https?://\S+$",
    # Unrendered CMS shortcodes: `[button link=...]Label[/button]`.
    r"^\[(?P<code>\w+)\b[^\]]*\].*\[/(?P=code)\]$",
    # Time stamps standing alone.
    r"^(?:updated|last updated|published|posted|modified)\b[^.!?]{0,50}\d(?:[^.!?]|\b[ap]\.m\.){0,20}$",
)
_LINE_START = re.compile("|".join(f"(?:{rule})" for rule in _LINE_STARTS), re.I)

# Rules that may match anywhere in the line, each tried only when the lowercased line holds
# one of its words (an unanchored case-blind regex is 20 times slower than a substring test).
_ANYWHERE = tuple((words, re.compile(rule, re.I)) for words, rule in (
    (("newsletter",), (r"(?:^|[.!?] )(?:sign up|subscribe)\b[^.!?]{0,80}\bnewsletters?\b|"
                       r"\bnewsletters?\b.{0,120}\b(?:sign up|subscribe|delivered)\b")),
    (("inbox", "subscription"), r"\bkeep an eye on your inbox\b|\berror processing your subscription\b"),
    (("cli", "klick"), (r"(?:^|[.!?] )(?:click here|clique aqui|haga clic aquí|cliquez ici|klicken sie hier|"
                        r"clicca qui)\b")),
    (("non-commercial", "copyright"), r"\bpersonal,? non-commercial use\b|\bsubject to copyright\b"),
    # Journalists' contact footers.
    (("@",), r"\b(?:may|can) be reached at \S+@|^write to .{2,60} at \S+@\S+$"),
    # A teaser headline tagged with its kind or source: `[VIDEO]`, `[INSIGHT]`, `[Bloomberg]` (not `[sic]`).
    (("]",), r"(?-i:\[[A-Z][A-Za-z]{2,11}(?: [A-Z][A-Za-z]{2,11})?\])\W*$"),
))


_Trie = dict[str, "_Trie"]


@cache
def _rights() -> re.Pattern[str]:
    """`All rights reserved`, `무단 전재 및 재배포 금지`, `版權所有`: every language file's rights notices.

    Searched on every short line of every body: as one alternation of ~40 case-blind phrases
    it cost ~30 µs a line, the regex engine entering every phrase at every position. The same
    phrases as a trie behind a look-ahead for their first letters find the same lines (same
    characters, same flag) three times faster."""
    phrases = {p for p in words("boilerplate", "rights") if p}
    firsts = "".join(sorted({p[0] for p in phrases}))
    return re.compile(f"(?=[{re.escape(firsts)}]){_trie(phrases)}", re.I)


def _trie(phrases: set[str]) -> str:
    """A regex matching where any of the phrases starts (not necessarily the longest one)."""
    root: _Trie = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def alternatives(node: _Trie) -> str:
        if "" in node:  # a phrase ends here: a longer one adds no line
            return ""
        alts = [re.escape(char) + alternatives(rest) for char, rest in sorted(node.items())]
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return alternatives(root)


def is_boilerplate(line: str) -> bool:
    """True for a short line that is page furniture (see the rules above)."""
    line = line.strip()
    if not line or len(line) > _MAX_LINE:
        return False
    if _LINE_START.match(line) or _rights().search(line):
        return True
    low = line.lower()
    return any(any(w in low for w in words) and rule.search(line) for words, rule in _ANYWHERE)


def trailing_links(lines: list[str], link_keys: frozenset[str], key: Callable[[str], str]) -> int:
    """How many lines at the end are link texts or furniture: a related-stories list
    (`key` turns a line into the form `link_keys` holds). Needs at least two link lines."""
    count = links = 0
    for line in reversed(lines):
        if key(line) in link_keys:
            links += 1
        elif not is_boilerplate(line):
            break
        count += 1
    return count if links >= 2 else 0
