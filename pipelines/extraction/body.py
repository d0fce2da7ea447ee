"""Article body: trafilatura, then a cleaner for what it leaves behind.

The cleaner removes lines that are image alt text (`... hinh anh 1`), photo
captions (`Ảnh: ...`), related-article titles, "read more" prompts and the
headline repeated at the top; a byline or agency credit on the last line moves
to `authors` / `source_credit`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import trafilatura
from lxml.html import HtmlElement

from .titles import node_text, squash

_ALT_ARTIFACT = re.compile(r"^[\x20-\x7e]+ hinh anh \d+$", re.I)
_CAPTION = re.compile(r"^\(?\s*(?:ảnh|video|đồ họa|nguồn ảnh|photo|foto|image|picture|credit)\s*:", re.I)
_READ_MORE = re.compile(
    r"^(?:xem thêm|đọc thêm|đọc tiếp|đọc ngay|tin liên quan|bài liên quan|read more|see also|also read|"
    r"related(?: articles?| stories| coverage)?|more on this|recommended)\b\s*[:>»›-]?", re.I,
)
_CREDIT = re.compile(r"^(?:\((?:theo\s+)?[^()]{2,60}\)|theo\s+[^.!?]{2,60}|nguồn\s*:\s*[^.!?]{2,60})$", re.I)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ'.-]*\s+){1,4}[A-ZĐÀ-Ỹ][\wÀ-ỹ'.-]*$")
_MIN_TEXT = 1  # characters; the classifier decides what is too short to be an article

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it rejects


@dataclass
class Body:
    text: str = ""
    authors: list[str] = field(default_factory=list)
    source_credit: str | None = None


def extract_body(tree: HtmlElement, url: str | None, prune_xpaths: tuple[str, ...] = ()) -> str:
    """Main text as lines (one paragraph each); '' when trafilatura finds none."""
    doc = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=True, with_metadata=False,
        prune_xpath=list(prune_xpaths) or None,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    return text or ""


def page_noise(tree: HtmlElement) -> set[str]:
    """Comparison keys of text that is not prose: image alt/title attributes, figure
    captions and standalone link texts (related-article boxes)."""
    noise: set[str] = set()
    for img in tree.iter("img"):
        for attr in ("alt", "title"):
            value = img.get(attr)
            if value and len(value) >= 12:
                noise.add(squash(value))
    for link in tree.iter("a"):
        text = node_text(link)
        parent = link.getparent()
        if len(text) >= 25 and parent is not None and squash(node_text(parent)) == squash(text):
            noise.add(squash(text))
    return noise


def clean_body(text: str, *, title: str | None, noise: set[str]) -> Body:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title_key = squash(title)
    while lines and title_key and squash(lines[0]) == title_key:
        lines.pop(0)
    if lines and title and lines[0].startswith(title + " "):
        lines[0] = lines[0][len(title):].strip()  # headline glued to the lead
    kept = [line for line in lines if not _is_noise(line, noise)]
    body = Body()
    # A byline or agency credit is the last line at most (occasionally the last two).
    for _ in range(2):
        if len(kept) < 2:
            break
        last = kept[-1]
        if len(last) <= 80 and _CREDIT.match(last):
            body.source_credit = body.source_credit or last.strip("() ")
        elif len(last) <= 40 and _NAME.match(last) and not last.endswith((".", ":", "!", "?")):
            body.authors.insert(0, last)
        else:
            break
        kept.pop()
    body.text = "\n".join(kept) if kept else "\n".join(lines)  # never clean a page down to nothing
    return body


def _is_noise(line: str, noise: set[str]) -> bool:
    if _ALT_ARTIFACT.match(line):
        return True
    if len(line) <= 200 and (_CAPTION.match(line) or _READ_MORE.match(line)):
        return True
    return len(line) <= 300 and squash(line) in noise
