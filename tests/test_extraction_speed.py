"""Speed-only rewrites decide exactly what the slower code they replaced decided.

The figures are in bench/extract_speed.py; here only the sameness, on small pages built
for the edge cases.
"""

from __future__ import annotations

import copy
from pathlib import Path

import lxml.html
import pytest

from pipelines.errors import PageRejected
from pipelines.extraction.classify import check_blocked
from pipelines.extraction.document import parse_html


@pytest.mark.parametrize("script", [
    "document.cookie = 'a=1'; location.reload()", "window.location.href = '/x'", "Attention Required! | Cloudflare",
    "Just a moment...", "Checking your browser before accessing", "cf-browser-verification", "hCaptcha",
    "Are you a robot?", "Please enable JavaScript and cookies to continue", "DDoS protection by Cloudflare",
])
def test_every_challenge_branch_still_blocks(script: str) -> None:
    html = f"<html><head><title>t</title><script>{script}</script></head><body><p>wait</p></body></html>"
    with pytest.raises(PageRejected, match="blocked"):
        check_blocked(parse_html(html), html)


def test_parsed_trees_are_html_elements_all_the_way_down() -> None:
    tree = parse_html("<html><body><form><input name=a><select><option>1</select>"
                      "<textarea>t</textarea><label>l</label></form><p>x</p></body></html>")
    for root in (tree, copy.deepcopy(tree)):
        assert {type(el) for el in root.iter()} == {lxml.html.HtmlElement}
        assert root.find(".//p").text_content() == "x"


LANGUAGE_TEXTS = [
    "The council approved the budget on Tuesday after a long debate about buses, bridges and schools. " * 5,
    "Hội đồng nhân dân thành phố đã thông qua ngân sách năm 2024 sau nhiều giờ tranh luận về giao thông. " * 5,
    "Der Stadtrat hat am Dienstag nach langer Debatte über Busse und Brücken den Haushalt beschlossen. " * 5,
    "El ayuntamiento aprobó el martes el presupuesto tras un largo debate sobre autobuses y puentes. " * 5,
    "市议会周二在就公交车和桥梁进行长时间辩论后批准了预算。" * 10,
    "ĐÂY LÀ MỘT BẢN TIN VIẾT TOÀN CHỮ HOA VỀ NGÂN SÁCH THÀNH PHỐ " * 4,
    "a", "12345 67890 " * 20, "\U0001f600 " * 60, "",
]


def test_fast_language_identifier_gives_py3langids_answers(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from pipelines.normalization import langid_model

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    arrays, meta = langid_model._load_arrays()  # writes the cache, then maps it
    assert (tmp_path / "newscrawl").is_dir() and meta["depth"] >= 4
    fast = langid_model.FastIdentifier(arrays["ptc"], arrays["pc"], meta["classes"], None, None,
                                       norm_probs=True, tk_row=[])
    fast.setup_walk(arrays["nextmove"], arrays["nextmove_row"], arrays["out_feat"], meta["depth"])
    original = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for text in LANGUAGE_TEXTS:
        assert fast.classify(text) == original.classify(text)
    assert langid_model._agrees(fast, arrays)


def test_language_model_without_a_writable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.normalization import langid_model

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    arrays, meta = langid_model._load_arrays()
    assert not isinstance(arrays["nextmove"], __import__("numpy").memmap)  # read from the xz file
    assert meta["classes"] and meta["depth"] >= 4


# The byline candidates as the XPath that the Python walk replaced selected them.
_BYLINE_XPATH = (
    ".//*[contains(@class,'byline') or contains(@class,'Byline') or contains(@class,'uthor') "
    "or contains(@class,'autor') or contains(@class,'auteur') or contains(@class,'writer') "
    "or contains(@class,'reporter') or contains(@class,'journalist') or contains(@class,'tac-gia') "
    "or contains(@id,'uthor') or contains(@id,'byline') or @rel='author' or @data-role='author' "
    "or contains(concat(' ',normalize-space(@itemprop),' '),' author ') "
    "or self::address[not(contains(@class,'publisher'))]]"
    " | .//a[contains(@href,'/author/') or contains(@href,'/authors/') or contains(@href,'/autor/') "
    "or contains(@href,'/autoren/') or contains(@href,'/auteur/') or contains(@href,'/journalist/') "
    "or contains(@href,'/writers/') or contains(@href,'/by/') or contains(@href,'/tac-gia/')] | .//h1"
)
_BYLINE_EDGES = """<html><body><div class="Byline">A</div><h1 class=author>T</h1><address>x</address>
<address class="site publisher">p</address><address class="x">q</address><span id="coauthors">B</span>
<span rel=author>C</span><span rel="author me">no</span><span data-role=author>D</span>
<span itemprop="  author\tname ">E</span><span itemprop="authorName">no</span><span itemprop="a\xa0author">no</span>
<a href="/news/by/jane">F</a><a href="/By/jane">no</a><a>no href</a><p class="tac-gia-x"><b>G</b></p>
<div class="writers"><a href="/authors/x">H</a></div><section id="byline"><h1>I</h1></section></body></html>"""


def _fixture_pages() -> list[str]:
    import gzip

    root = Path(__file__).parent / "fixtures"
    pages = [_BYLINE_EDGES]
    for path in sorted(root.glob("*/*.html.gz")) + sorted(root.glob("*/*.html")):
        raw = path.read_bytes()
        pages.append((gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace"))
    return pages


def test_byline_candidates_are_the_xpaths_selection() -> None:
    from lxml import etree

    from pipelines.extraction.visible_byline import _candidates, _headline_block

    reference = etree.XPath(_BYLINE_XPATH)
    pages = _fixture_pages()
    assert len(pages) > 20
    compared = 0
    for html in pages:
        tree = parse_html(html)
        body = tree.find("body")
        for scope in (tree, body, _headline_block(body) if body is not None else None):
            if scope is None:
                continue
            expected = reference(scope)
            found = _candidates(scope)
            assert len(found) == len(expected)
            assert all(a is b for a, b in zip(found, expected, strict=True))
            compared += len(expected)
    assert compared > 100


def test_rights_notice_search_finds_the_lines_the_plain_alternation_found() -> None:
    import re

    from pipelines.extraction.boilerplate import _rights
    from pipelines.languages import words

    phrases = sorted(words("boilerplate", "rights"), key=len, reverse=True)
    plain = re.compile("|".join(re.escape(p) for p in phrases), re.I)
    lines = [*phrases, *(p.upper() for p in phrases), *(f"© 2024 Example. {p.title()}." for p in phrases),
             *(p[:-1] for p in phrases), "ALL RIGHTS RESERVED", "All ri ghts reserved", "alle Rechte vorbehalten",
             "Bản quyền thuộc về Báo X", "ALLE RECHTE VORBEHALTEN", "No part of this PUBLICATION may be reproduced",
             "Tüm hakları saklıdır", "TÜM HAKLARI SAKLIDIR", "ΜΕ ΕΠΙΦΎΛΑΞΗ ΠΑΝΤΌΣ ΔΙΚΑΙΏΜΑΤΟΣ", "all rights"]
    lines += [line for html in _fixture_pages()[:12] for line in parse_html(html).text_content().splitlines()]
    found = [bool(_rights().search(line)) for line in lines]
    assert found == [bool(plain.search(line)) for line in lines]
    assert 0 < sum(found) < len(lines)


def _parsed_as_str(text: str) -> bytes:
    """The tree parse_html built before it handed lxml UTF-8 bytes: from the str itself."""
    import re

    from lxml import etree

    from pipelines.extraction.document import _CLASSES, _XML_DECL

    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", _XML_DECL.sub("", text, count=1))
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_CLASSES)
    return etree.tostring(lxml.html.document_fromstring(text, parser=parser))


@pytest.mark.parametrize("html", [
    '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Caf\xe9 \u20ac</p></body></html>',
    '<html><head><meta charset="windows-1252"></head><body><p>na\xefve \u201cquoted\u201d</p></body></html>',
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=shift_jis"></head>'
    '<body><h1>\u65e5\u672c\u8a9e</h1><p>\u30c6\u30b9\u30c8 \U0001f600</p></body></html>',
    "<html><body><p>a\x07bell\x00nul\x0bvt\x1b esc</p><p>tab\there\r\nline</p>"
    + "<p>prose</p>" * 30 + "</body></html>",
    "<p>lone surrogate \ud800 kept apart</p>",
    "<html><body><p>Vi\u1ec7t Nam \u0111\u00e3</p><!-- c --><?pi x?></body></html>",
])
def test_parse_from_utf8_bytes_builds_the_tree_parsing_the_str_built(html: str) -> None:
    assert etree_bytes(parse_html(html)) == _parsed_as_str(html)


def test_parse_of_fixture_pages_unchanged() -> None:
    pages = _fixture_pages()
    for html in pages:
        assert etree_bytes(parse_html(html)) == _parsed_as_str(html)


def etree_bytes(tree: lxml.html.HtmlElement) -> bytes:
    from lxml import etree

    return etree.tostring(tree)


def test_link_box_words_found_where_the_plain_pattern_found_them() -> None:
    import re

    from pipelines.extraction.body import _LINK_BOX

    plain = re.compile(
        r"relat|recommend|read-?more|more-?(?:stories|news|articles)|also|teaser|card|widget|sidebar|aside|promo|"
        r"popular|trending|suggest|next|prev|outbrain|taboola|tags?\b|topic", re.I)
    markers = {f"{node.get('class', '')} {node.get('id', '')}" for html in _fixture_pages()
               for node in parse_html(html).iter() if isinstance(node.tag, str)}
    markers |= {"ſidebar", "RELATED-posts", "Tag", "tagsx", "tags", "x-Topic", "moreNews", "More-Stories", "nexus"}
    assert len(markers) > 200
    found = [bool(_LINK_BOX.search(m)) for m in sorted(markers)]
    assert found == [bool(plain.search(m)) for m in sorted(markers)]
    assert 0 < sum(found) < len(found)
