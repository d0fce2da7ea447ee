"""Pages with more visible text than any article has: read piece by piece, in bounded memory.

The longest of 2,094 real pages in the dev sets had 483,212 characters of visible text. A
page with over HUGE_TEXT (a live blog of thousands of posts, a book-length report) costs
trafilatura ~20 bytes per character at once: it holds our tree, three copies of it and its
output tree, and its readability comparison holds every candidate's text as word objects
(10 MB of prose took 330 MiB). Such a page is cut along its own elements into documents of at
most PIECE_TEXT characters, each with the ancestors of its elements (an <li> stays in its
<ul>), and each document is extracted as a page of its own (body.extract_body).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from copy import deepcopy
from functools import cache
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from .document import INVISIBLE, visible_chars

HUGE_TEXT = 1_000_000  # characters of visible text, twice the longest real page seen
PIECE_TEXT = 200_000
MAIN_SHARE = 0.9

# A piece: the element (copied whole, its tail included) or a loose text, under its
# ancestors below <body>, outermost first.
_Piece = tuple[tuple[HtmlElement, ...], HtmlElement | str]


def is_huge(html: str, tree: HtmlElement) -> bool:
    """More than HUGE_TEXT characters of visible text (the page's length rules most pages out)."""
    return is_big(html) and visible_chars(tree, HUGE_TEXT) > HUGE_TEXT


def is_big(html: str) -> bool:
    """HTML long enough to hold a huge page's text (what is_huge asks first)."""
    return len(html) > HUGE_TEXT


def documents(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The page's main container as documents of at most PIECE_TEXT characters each (one
    element holding more is cut further), in the page's order."""
    body = tree.find("body")
    container, ancestors = _main_container(tree if body is None else body)
    group: list[_Piece] = []
    size = 0
    for piece, chars in _pieces(container, ancestors):
        if group and size + chars > PIECE_TEXT:
            yield _document(group)
            group, size = [], 0
        group.append(piece)
        size += chars
    if group:
        yield _document(group)


def _main_container(body: HtmlElement) -> tuple[HtmlElement, tuple[HtmlElement, ...]]:
    """The deepest element holding MAIN_SHARE of the page's visible text, and its ancestors
    below <body> with itself. On a page this size the article's text is nearly all of it;
    cut whole, the page's menus, cookie notices and sidebars came out as pieces of their own,
    and extracted alone they read as text (+33 lines a page on 28 AEB layouts scaled up)."""
    node: HtmlElement = body
    chain: tuple[HtmlElement, ...] = ()
    total = visible_chars(body, 10**9)
    while True:
        sizes = [(visible_chars(child, 10**9), child) for child in node
                 if isinstance(child.tag, str) and child.tag not in INVISIBLE]
        chars, child = max(sizes, key=lambda size: size[0], default=(0, None))
        if child is None or chars < MAIN_SHARE * total:
            return node, chain
        node, chain = child, (*chain, child)


def _pieces(node: HtmlElement, ancestors: tuple[HtmlElement, ...]) -> Iterator[tuple[_Piece, int]]:
    """The children of `node` (the text before them too), each whole when it fits a piece."""
    if node.text and node.text.strip():
        yield (ancestors, node.text), len(node.text)
    for child in node:
        if not isinstance(child.tag, str) or child.tag in INVISIBLE:
            if child.tail and child.tail.strip():
                yield (ancestors, child.tail), len(child.tail)
            continue
        chars = visible_chars(child, PIECE_TEXT)
        if chars <= PIECE_TEXT:
            yield (ancestors, child), chars + len(child.tail or "")
            continue
        yield from _pieces(child, (*ancestors, child))
        if child.tail and child.tail.strip():
            yield (ancestors, child.tail), len(child.tail)


def _document(group: list[_Piece]) -> HtmlElement:
    """A document holding the pieces, each under shallow copies of its ancestors (shared by
    consecutive pieces with the same ones)."""
    root = lxml.html.document_fromstring("<html><body></body></html>")
    body = root.find("body")
    opened: list[tuple[HtmlElement, HtmlElement]] = []  # (the page's ancestor, its copy here)
    for ancestors, item in group:
        keep = 0
        while keep < min(len(opened), len(ancestors)) and opened[keep][0] is ancestors[keep]:
            keep += 1
        del opened[keep:]
        for original in ancestors[keep:]:
            copy = body.makeelement(original.tag, dict(original.attrib))
            (opened[-1][1] if opened else body).append(copy)
            opened.append((original, copy))
        parent = opened[-1][1] if opened else body
        if isinstance(item, str):
            _append_text(parent, item)
        else:
            parent.append(deepcopy(item))
    return root


def release_freed_memory() -> None:
    """Hand the heap a big page's trees left free back to the system (glibc's malloc_trim; a
    no-op elsewhere). glibc keeps it otherwise: after a 10 MiB live blog the process held
    45 MiB more than its live data while the record's text was still to be normalised."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Any:
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)  # the process's own libc: no search
    except OSError:
        return None


def _append_text(parent: HtmlElement, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text
