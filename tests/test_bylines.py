"""Bylines as printed on real news pages, per language: who the authors are, which wire is credited.

Each case is a byline seen on a real page (or the documented form of a site's byline), with the
names a reader would list as its authors and the agency the record credits.
"""

from __future__ import annotations

import unicodedata

import pytest

from pipelines.extraction.bylines import parse_byline
from pipelines.extraction.text_bylines import closing_byline, dateline_agencies
from pipelines.extraction.titles import squash
from pipelines.languages import languages, vocabulary

# (language, byline, publisher names, authors, credit)
BYLINES = [
    # German: agencies and desks are the author of record.
    ("de", "dpa", (), ["dpa"], "dpa"),
    ("de", "SID", (), ["SID"], "SID"),
    ("de", "DER SPIEGEL", ("DER SPIEGEL",), ["DER SPIEGEL"], None),
    ("de", "Von Anna Schmidt und Peter Müller", (), ["Anna Schmidt", "Peter Müller"], None),
    ("de", "Von Max Muster, dpa", (), ["Max Muster"], "dpa"),
    ("de", "VON MORITZ GATHMANN am 21. April 2020", (), ["Moritz Gathmann"], None),
    ("de", "Veröffentlicht am 8. Februar 2022 von PETA-Team", (), ["PETA-Team"], None),
    ("de", "von Redaktion,", (), ["Redaktion"], None),
    ("de", "Erstellt von Andri Bryner", (), ["Andri Bryner"], None),
    ("de", "dpa/AFP", (), ["dpa", "AFP"], "dpa, AFP"),
    ("de", "Alle Beiträge", (), [], None),
    ("de", "Rechtsanwalt Sebastian Einbock", (), ["Sebastian Einbock"], None),
    ("de", "Uta Staschewski, Projektleiterin der HSS", (), ["Uta Staschewski"], None),
    ("de", "© Kathrin Führes", (), ["Kathrin Führes"], None),
    ("de", "Foto: Ingo Schneider", (), [], None),
    # A final initial or `Jr.` keeps its period (the name as printed); a sentence's period goes.
    ("en", "By Perry Bacon Jr.", (), ["Perry Bacon Jr."], None),
    ("es", "Por Juan Carlos Muñoz C.", (), ["Juan Carlos Muñoz C."], None),
    ("en", "By John Smith.", (), ["John Smith"], None),
    # French
    ("fr", "Le Figaro et AFP", ("Le Figaro",), ["Le Figaro", "AFP"], "AFP"),
    ("fr", "Par Jean-Pierre Dupont", (), ["Jean-Pierre Dupont"], None),
    # English: wire copy, roles, desks, multi-author lists.
    ("en", "By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER Associated Press", (),
     ["Lisa Mascaro", "Mary Clare Jalonick", "Eric Tucker"], "Associated Press"),
    ("en", "Tom Krisher, AP Auto Writer", (), ["Tom Krisher"], "AP"),
    ("en", "The Associated Press", (), ["The Associated Press"], "The Associated Press"),
    ("en", "Reuters, Washington", (), ["Reuters"], "Reuters"),
    ("en", "MND Staff", (), ["MND Staff"], None),
    ("en", "By AP and TOI staff", (), ["AP", "TOI staff"], "AP"),
    ("en", "By Meg James Staff Writer", (), ["Meg James"], None),
    ("en", "Tom Gillespie, News reporter @TomGillespie1", (), ["Tom Gillespie"], None),
    ("en", "Lisa Kaczke and Trevor J. Mitchell, Sioux Falls Argus Leader", (),
     ["Lisa Kaczke", "Trevor J. Mitchell"], None),
    ("en", "By Andy Sahadeo | Fox News", ("Fox News",), ["Andy Sahadeo"], None),
    ("en", "A. Smith, B. Jones, and C. Brown", (), ["A. Smith", "B. Jones", "C. Brown"], None),
    ("en", "Catherine Shu @catherineshu", (), ["Catherine Shu"], None),
    ("en", "by Itamar Turner-Trauring Last updated 04 Jun 2020", (), ["Itamar Turner-Trauring"], None),
    ("en", "Matthew Davis | 11 Jan 2019 | 4 min", (), ["Matthew Davis"], None),
    ("en", "Written by Jane Doe Edited by John Roe", (), ["Jane Doe"], None),
    ("en", "Reviewed by Justin C. Meserole, Trial Attorney", (), [], None),
    ("en", "This post was written by Danielle Padula, Head of Marketing and Community Development", (),
     ["Danielle Padula"], None),
    ("en", "Jane Doe, Staff Writer, and John Roe", (), ["Jane Doe", "John Roe"], None),
    ("en", "Dylan Bailey, MS, RD, FAND", (), ["Dylan Bailey"], None),
    ("en", "By Mike Wuerthele and Malcolm Owen Monday, November 18, 2019, 04:05 pm", (),
     ["Mike Wuerthele", "Malcolm Owen"], None),
    ("en", "Insights from", (), [], None),
    ("de", "01.12.2022 / CSP / International / Photovoltaik / Solarthermie / Speicher / Top Solar News", (), [], None),
    ("en", "The Russian and Syrian defense ministries", (), [], None),
    ("en", "View all posts", (), [], None),
    ("en", "jane.doe@example.com", (), [], None),
    ("en", "By admin", (), [], None),
    # Spanish, Portuguese, Italian, Russian
    ("es", "Por Williams Perdomo @wperdomod -", (), ["Williams Perdomo"], None),
    ("es", "Agencia EFE", (), ["Agencia EFE"], "Agencia EFE"),
    ("pt", "Publicado por: Clarissa Borba", (), ["Clarissa Borba"], None),
    ("it", "Di Mario Rossi", (), ["Mario Rossi"], None),
    ("ru", "Текст: Венера Ерофеева", (), ["Венера Ерофеева"], None),
    # Vietnamese: capitals, names joined by dashes, a reporter and the agency credited with them.
    ("vi", "HOÀNG TRIỀU - NGỌC QUÝ", (), ["Hoàng Triều", "Ngọc Quý"], None),
    ("vi", "PHAN ANH", (), ["Phan Anh"], None),
    ("vi", "Thu Hằng/VOV-Tây Bắc", (), ["Thu Hằng"], "VOV-Tây Bắc"),
    ("vi", "Bài và ảnh: NGỌC QUÝ", (), ["Ngọc Quý"], None),
    ("vi", "Theo VnExpress", (), [], "VnExpress"),
    ("vi", "Theo Anh Thư (Dân Việt)", (), ["Anh Thư"], "Dân Việt"),
    ("vi", "Minh Anh (theo Reuters)", (), ["Minh Anh"], "Reuters"),
    ("vi", "Anh Thư (tổng hợp)", (), ["Anh Thư"], None),
    ("vi", "Nhóm PV", (), ["Nhóm PV"], None),
    # Japanese, Korean: the role word follows the name, often without a space.
    ("ja", "山田太郎記者", (), ["山田太郎"], None),
    ("ja", "（文：佐藤花子）", (), ["佐藤花子"], None),
    ("ja", "共同通信", (), ["共同通信"], "共同通信"),
    ("ko", "정덕현 칼럼니스트 thekian1@entermedia.co.kr", (), ["정덕현"], None),
    ("ko", "김철수 기자", (), ["김철수"], None),
    ("ko", "연합뉴스", (), ["연합뉴스"], "연합뉴스"),
]


@pytest.mark.parametrize(("language", "raw", "publishers", "authors", "credit"), BYLINES,
                         ids=[f"{c[0]}:{c[1][:40]}" for c in BYLINES])
def test_byline(language: str, raw: str, publishers: tuple[str, ...], authors: list[str],
                credit: str | None) -> None:
    found = parse_byline(raw, language=language, strict=True, publishers=tuple(squash(p) for p in publishers))
    assert found.names == authors
    assert found.credit == credit


def test_unknown_language_reads_every_languages_words() -> None:
    assert parse_byline("Von Anna Schmidt und Peter Müller").names == ["Anna Schmidt", "Peter Müller"]
    assert parse_byline("Bài và ảnh: Ngọc Quý").names == ["Ngọc Quý"]


def test_nfd_byline_comes_out_composed() -> None:
    names = parse_byline(unicodedata.normalize("NFD", "Hoàng Triều - Ngọc Quý"), language="vi").names
    assert names == ["Hoàng Triều", "Ngọc Quý"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_structured_names_are_taken_as_the_site_wrote_them() -> None:
    # A JSON-LD or meta author: a lowercase blog handle and a pen name stay; a CMS account does not.
    assert parse_byline("kirstin boatto", strict=False).names == ["kirstin boatto"]
    assert parse_byline("Rasender Reporter", language="de", strict=False).names == ["Rasender Reporter"]
    assert parse_byline("rmb8090", strict=False).names == []
    assert parse_byline("jdadmin", strict=False).names == []


# (lines of a text, authors, credit, lines left)
CLOSINGS = [
    (["Đoạn văn.", "Lê Phương"], ["Lê Phương"], None, 1),
    (["Đoạn văn.", "NGUYỄN VĂN AN - TRẦN THỊ BÌNH"], ["Nguyễn Văn An", "Trần Thị Bình"], None, 1),
    (["Đoạn văn.", "Thu Hằng/VOV-Tây Bắc"], ["Thu Hằng"], "VOV-Tây Bắc", 1),
    (["Đoạn văn.", "Minh Sơn", "(TTXVN/Vietnam+)"], ["Minh Sơn"], "TTXVN/Vietnam+", 1),
    (["Đoạn văn.", "(Theo Reuters)"], [], "Reuters", 1),
    (["Đoạn văn.", "Minh Anh (theo Reuters)"], ["Minh Anh"], "Reuters", 1),
    (["본문이다.", "정덕현 칼럼니스트 thekian1@entermedia.co.kr", "[사진=JTBC, 이매진아시아]",
      "저작권자 ⓒ 엔터미디어, 무단전재 및 재배포금지"], ["정덕현"], None, 3),
    (["A sentence.", "Jane Doe", "Share this"], [], None, 3),
    (["A sentence.", "Some Heading", "Hoàng Triều - Ngọc Quý"], ["Hoàng Triều", "Ngọc Quý"], None, 2),
    (["Only one line"], [], None, 1),
]


@pytest.mark.parametrize(("lines", "authors", "credit", "left"), CLOSINGS,
                         ids=[c[0][-1][:30] for c in CLOSINGS])
def test_closing_byline(lines: list[str], authors: list[str], credit: str | None, left: int) -> None:
    kept, found = closing_byline(lines)
    assert found.names == authors
    assert found.credit == credit
    assert len(kept) == left


@pytest.mark.parametrize(("text", "authors", "credit"), [
    ("Hamburg (dpa/lno) – Trotz eines Gespräches ...", ["dpa"], "dpa/lno"),
    ("WASHINGTON (AP) — The House ...", ["AP"], "AP"),
    ("NEW YORK, Nov 19 (Reuters) - Stocks ...", ["Reuters"], "Reuters"),
    ("Der Verein (gegründet 1900) - feiert ...", None, None),
])
def test_wire_dateline(text: str, authors: list[str] | None, credit: str | None) -> None:
    found = dateline_agencies(text)
    assert (found.names if found else None) == authors
    assert (found.credit if found else None) == credit


def test_byline_sections_have_prefixes_and_roles() -> None:
    sections = {lang: vocabulary(lang)["bylines"] for lang in languages() if "bylines" in vocabulary(lang)}
    assert {"de", "en", "fr", "vi", "ja", "ko"} <= set(sections)
    for language, words in sections.items():
        assert words.get("prefixes") and words.get("roles"), f"{language}.toml: no byline prefixes or roles"
