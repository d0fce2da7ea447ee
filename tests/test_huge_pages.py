"""Pages far bigger than any article (up to the 10 MiB download cap): read piece by piece, with
every paragraph kept, and the work on them bounded. The limits are lowered here so that the
pages stay small; bench/crawl_bench.py --memory-extract measures the real sizes."""

from __future__ import annotations

import hashlib
import io
import json

import lxml.html
import pytest

from crawler.backfill import write_json_line
from crawler.items import RawPage
from pipelines.extraction import hugepage, paragraphs, signals
from pipelines.extraction.document import parse_html, visible_chars
from pipelines.normalization.text import clean_block
from pipelines.normalization.words import _word_count, count_words
from pipelines.normalize import content_hash
from pipelines.process import process_page

SENTENCE = "The council approved the budget on Tuesday after a long debate about the city's buses."


def paragraph(i: int) -> str:
    return f"{i}. {SENTENCE} Speaker {i} asked for a vote on line {i * 7} before the recess."


def article_page(count: int) -> str:
    body = "".join(f"<p>{paragraph(i)}</p>\n" for i in range(count))
    return ("<html lang='en'><head><title>Council budget | City News</title>"
            "<meta property='og:type' content='article'></head><body>"
            "<nav><a href='/'>Home</a> <a href='/city'>City</a></nav>"
            f"<article><h1>Council budget</h1><div class='story'>{body}</div></article>"
            "<footer>Copyright City News</footer></body></html>")


def record_text(html: str) -> str:
    return process_page(RawPage(url="https://news.example.com/2024/03/05/council-budget", html=html,
                                fetched_at="2024-03-05T10:00:00+00:00")).text


def test_visible_chars_leaves_out_scripts_and_stops_past_the_limit() -> None:
    tree = parse_html("<html><body><p>abcde</p><script>var x = 'long code';</script>fgh</body></html>")
    assert visible_chars(tree, 100) == 8
    assert visible_chars(tree, 3) == 5  # counting stops at the first node past the limit


def test_a_huge_page_is_read_in_pieces_with_every_paragraph_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    html = article_page(300)
    whole = record_text(html)  # the ordinary path
    monkeypatch.setattr(hugepage, "HUGE_TEXT", 5_000)
    monkeypatch.setattr(hugepage, "PIECE_TEXT", 4_000)
    assert hugepage.is_huge(html, parse_html(html))
    pieces = list(hugepage.documents(parse_html(html)))
    assert len(pieces) >= 8
    assert all(visible_chars(doc, 10**9) <= 4_000 for doc in pieces)
    lines = record_text(html).split("\n")
    assert [line for line in lines if line[0].isdigit()] == [paragraph(i) for i in range(300)]
    assert record_text(html) == whole


def test_pieces_keep_their_ancestors_and_loose_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hugepage, "PIECE_TEXT", 500)
    first = "".join(f"<li>{paragraph(i)}</li>" for i in range(20))
    second = "".join(f"<li>{paragraph(i)}</li>" for i in range(20, 40))
    tree = parse_html(f"<html><body><div id='main'>Loose text before the lists. <ul class='posts'>{first}</ul>"
                      f"Text between them.<script>var a = 1;</script><ul class='posts'>{second}</ul>"
                      "Text after the lists.</div></body></html>")
    docs = list(hugepage.documents(tree))
    assert len(docs) > 5
    for doc in docs:
        for li in doc.iter("li"):
            assert li.getparent().tag == "ul" and li.getparent().get("class") == "posts"
            assert li.getparent().getparent().get("id") == "main"
        assert not doc.findall(".//script")
    text = " ".join(" ".join(doc.find("body").text_content().split()) for doc in docs)
    assert text.startswith("Loose text before the lists.")
    assert text.endswith("Text after the lists.")
    assert "Text between them." in text
    assert [text.index(paragraph(i)) for i in range(40)] == sorted(text.index(paragraph(i)) for i in range(40))


def test_only_the_container_of_nearly_all_the_text_is_cut_into_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    # Cut whole, a page's menus and footer came out as pieces of their own and read as text.
    monkeypatch.setattr(hugepage, "PIECE_TEXT", 2_000)
    posts = "".join(f"<div class='post'><p>{paragraph(i)}</p></div>" for i in range(200))
    menu = "".join(f"<li><a href='/s/{i}'>Section number {i}</a></li>" for i in range(20))
    tree = parse_html(f"<html><body><header><ul>{menu}</ul></header><main><article><div class='live'>{posts}"
                      "</div></article></main><footer>Copyright 2024 City News. All rights reserved.</footer>"
                      "</body></html>")
    docs = list(hugepage.documents(tree))
    text = " ".join(doc.find("body").text_content() for doc in docs)
    assert "Section number" not in text and "Copyright" not in text
    assert all(paragraph(i) in text for i in range(200))
    assert all(doc.find("body/main/article/div").get("class") == "live" for doc in docs)


def test_an_ordinary_page_is_not_huge() -> None:
    html = article_page(200)
    assert not hugepage.is_huge(html, parse_html(html))


def test_prose_left_out_gives_the_same_counts_searching_onwards() -> None:
    paras = [paragraph(i) * 2 for i in range(6)]
    tree = lxml.html.fromstring("<div>" + "".join(f"<p>{p}</p>" for p in paras) + "</div>")
    # the text has paragraph 3 before 1 (found before the last hit) and lacks 4
    text = "\n".join([paras[0], paras[3], paras[1], paras[2], paras[5]])
    assert signals._prose_left_out(text, tree) == (len(paras[4]), len(paras[4]))


def test_prose_left_out_stops_looking_back_when_its_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    paras = [paragraph(i) * 2 for i in range(4)]
    tree = lxml.html.fromstring("<div>" + "".join(f"<p>{p}</p>" for p in paras) + "</div>")
    text = "\n".join([paras[0], paras[2]])
    monkeypatch.setattr(signals, "_MISS_SCAN_BUDGET", 0)
    # paragraph 1 and 3 would need a search of the whole text: skipped, counted neither way
    assert signals._prose_left_out(text, tree) == (0, 0)


def test_run_on_lines_that_are_one_block_are_left_alone_and_cutting_is_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = [paragraph(i) * 3 for i in range(3)]
    tree = lxml.html.fromstring("<div>" + "".join(f"<p>{b}</p>" for b in blocks) + "</div>")
    run_on = " ".join(blocks)
    assert paragraphs.split_run_on("\n".join(blocks), tree) == "\n".join(blocks)
    assert paragraphs.split_run_on(run_on, tree).split("\n") == blocks
    monkeypatch.setattr(paragraphs, "_CUT_BUDGET", 0)
    assert paragraphs.split_run_on(run_on, tree) == run_on


def test_long_texts_are_counted_and_hashed_as_short_ones() -> None:
    lines = [f"Hội nghị toàn quốc tổng kết năm {i} 😀 ở Hà Nội, 会议 {i * 3}." for i in range(40_000)]
    text = "\n".join(lines)  # 2 MB: counted match by match, hashed slice by slice
    assert len(text) > 2 * (1 << 20)
    assert count_words(text) == _word_count(text) == sum(count_words(line) for line in lines)
    assert content_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_json_line_with_a_long_text_is_the_same_bytes_written_in_slices() -> None:
    text = "\n".join(f'Line {i}: "quoted" \\ back\tslash, Hà Nội \x07 😀 {i}' for i in range(4_000))
    for record in ({"url": "https://a.example/1", "text": text, "authors": ["Ngọc Anh"], "word_count": 9,
                    "tz_assumed": False, "image": None, "duplicate_similarity": 0.875}, {"error": "x"}, {}):
        out = io.BytesIO()
        size = write_json_line(out, record)
        assert out.getvalue() == (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        assert size == len(out.getvalue())


def test_a_clean_text_is_not_copied_and_an_unclean_one_is_still_cleaned() -> None:
    text = "\n".join(paragraph(i) for i in range(50)) + "\nHà Nội 😀"
    assert clean_block(text) is text
    for dirty, clean in (("a  b", "a b"), (" a", "a"), ("a \nb", "a\nb"), ("a\n\nb", "a\nb"), ("a\n", "a"),
                         ("a\tb", "a b"), ("a\u00a0b", "a b"), ("a\u200bb", "ab"), ("a\u2028b", "a\nb"),
                         ("a\rb", "a\nb"), ("e\u0301", "é")):
        assert clean_block(dirty) == clean, dirty


def test_one_giant_paragraph_and_a_giant_table_keep_all_their_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hugepage, "HUGE_TEXT", 5_000)
    monkeypatch.setattr(hugepage, "PIECE_TEXT", 2_000)
    one_paragraph = ("<html><head><title>Budget | Site</title><meta property='og:type' content='article'></head>"
                     f"<body><nav><a href='/'>Home</a></nav><article><h1>Budget</h1><p>{SENTENCE * 200}</p>"
                     "</article></body></html>")
    assert record_text(one_paragraph).count("council approved") == 200  # one element: one piece, uncut
    rows = "".join(f"<tr><td>{paragraph(i)}</td><td>{SENTENCE}</td></tr>" for i in range(200))
    table = f"<html><head><title>Budget | Site</title></head><body><table>{rows}</table></body></html>"
    assert len(list(hugepage.documents(parse_html(table)))) > 10  # cut between rows, each in a <table>
    assert record_text(table).count("council approved") == 400
