"""Two promises of the record about `text`, on every site: it is the article as a reader
sees it, starting with the page's visible lead (which `description` holds too), and it holds
one paragraph per line, a photo story's captions included."""

from __future__ import annotations

import re

import pytest

from crawler.items import RawPage
from pipelines.extraction.document import parse_html
from pipelines.extraction.paragraphs import split_run_on
from pipelines.process import process_page
from tests.conftest import VN_TRUTH, read_fixture, vn_page
from tests.pages import LOREM, article_html

FETCHED = "2025-11-01T00:00:00+00:00"


def words(value: str) -> list[str]:
    return re.findall(r"\w+", value.casefold())


def vn_record(name: str) -> dict[str, object]:
    row = next(r for r in VN_TRUTH if r["file"] == name)
    html = vn_page(name.removesuffix(".html"))
    return process_page(RawPage(url=row["url"], html=html, fetched_at=FETCHED)).to_dict()


def seed_record() -> dict[str, object]:
    html = read_fixture("seed/seed-reconstructed.html")
    url = "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"
    return process_page(RawPage(url=url, html=html, fetched_at=FETCHED)).to_dict()


def lead_in_body_page() -> str:
    """The lead is both the meta description and the first paragraph of the body."""
    lead = "The council approved the budget on Tuesday, ending a month of debate about buses and bridges."
    page = article_html("Council approves the budget", body=[lead] + [LOREM] * 3)
    return page.replace("<head>", f'<head><meta name="description" content="{lead}">')


def records() -> list[tuple[str, dict[str, object]]]:
    found = [("seed", seed_record())]
    found += [(row["file"], vn_record(row["file"])) for row in VN_TRUTH]
    raw = RawPage(url="https://news.example/a.html", html=lead_in_body_page(), fetched_at=FETCHED)
    found.append(("lead in body", process_page(raw).to_dict()))
    return found


@pytest.fixture(scope="module")
def all_records() -> list[tuple[str, dict[str, object]]]:
    return records()


Records = list[tuple[str, dict[str, object]]]


def test_text_is_never_empty_and_holds_the_sapo_of_vietnamese_pages(all_records: Records) -> None:
    for name, record in all_records:
        description, text = str(record["description"] or ""), str(record["text"])
        assert text, name
        if name.startswith(("dantri", "vnexpress")) and description:
            assert " ".join(words(description)) in " ".join(words(text)), name  # the sapo is the article's


def test_the_lead_starts_the_text_and_stays_in_description(all_records: Records) -> None:
    by_name = dict(all_records)
    lead_in_body = by_name["lead in body"]
    assert str(lead_in_body["description"]).startswith("The council approved the budget on Tuesday")
    assert str(lead_in_body["text"]).startswith("The council approved the budget on Tuesday")
    # The seed's sapo sits above the article's container: the text starts with it all the same.
    assert str(by_name["seed"]["description"]).startswith("Sáng nay (28/12), tại Hà Nội")
    assert str(by_name["seed"]["text"]).startswith("Sáng nay (28/12), tại Hà Nội")


def test_a_lead_outside_the_article_container_is_added_to_the_text() -> None:
    lead = "Councillors back a plan to run buses all night across the northern districts of the city."
    page = article_html("Night buses for the north", body=[LOREM] * 3).replace(
        "<article>", f'<p class="standfirst">{lead}</p><article>', 1)
    record = process_page(RawPage(url="https://news.example/b.html", html=page, fetched_at=FETCHED)).to_dict()
    assert str(record["text"]).split("\n")[0] == lead
    assert record["description"] == lead


def test_a_photo_story_has_one_caption_per_line() -> None:
    record = vn_record("dantri_7.html")
    lines = str(record["text"]).split("\n")
    assert len(lines) >= 8, lines
    assert max(len(line.split()) for line in lines) <= 60, lines
    assert lines[0] == record["description"]  # the sapo, then the story
    assert lines[1].startswith("Chiều nay (24/12), đội tuyển Việt Nam có buổi tập")


def test_only_run_on_lines_are_cut() -> None:
    paragraph = f"{LOREM} {LOREM}"  # one long paragraph, with a pull quote repeating a sentence of it
    quote = "Officials said the plan would add bus lines in the northern districts and repair two bridges."
    tree = parse_html(f"<html><body><article><p>{paragraph}</p><blockquote>{quote}</blockquote>"
                      f"</article></body></html>")
    assert split_run_on(paragraph, tree) == paragraph
    captions = [f"Caption number {i}: {LOREM[:119]}" for i in range(4)]
    story = "".join(f"<figure><img src='{i}.jpg'><figcaption>{c}</figcaption></figure>"
                    for i, c in enumerate(captions))
    tree = parse_html(f"<html><body><article>{story}</article></body></html>")
    assert split_run_on(" ".join(captions), tree).split("\n") == captions


def test_an_author_bio_or_a_script_is_not_the_lead() -> None:
    bio = "Jane Doe is an award-winning writer based in Lisbon who has covered city politics for ten years."
    script = "window.cnx = window.cnx || {}; window.cnx.cmd = []; var frame = document.createElement('iframe');"
    page = article_html("Night buses for the north", body=[LOREM] * 3).replace(
        "</h1>", f'</h1><div class="author-box"><p class="description">{bio}</p></div>'
                 f'<div class="summary"><script>{script}</script></div>', 1)
    record = process_page(RawPage(url="https://news.example/c.html", html=page, fetched_at=FETCHED)).to_dict()
    assert not str(record["text"]).startswith((bio, "window.cnx"))
    assert record["description"] != bio
