"""Body text cleaning: furniture lines, related-link tails, the readability second opinion and
the signals that call it, on small inline pages."""

from __future__ import annotations

import lxml.html
import pytest

from pipelines.errors import PageRejected
from pipelines.extraction import boilerplate, fallback, signals
from pipelines.extraction.body import PageNoise, clean_body, extract_body, page_noise
from pipelines.extraction.classify import check_blocked
from pipelines.extraction.document import parse_html
from pipelines.extraction.titles import squash

PROSE = [
    "The council voted on Tuesday to extend the night bus service to the northern districts.",
    "Officials said the change would cost about two million a year and start in the spring.",
    "Residents had asked for the extension for years, citing long walks home after late shifts.",
    "The transport union welcomed the decision but warned that more drivers would be needed.",
    "A review of the first six months is planned before the budget debate next autumn.",
]


def page(body: str, head: str = "") -> lxml.html.HtmlElement:
    return parse_html(f"<html><head><title>t</title>{head}</head><body>{body}</body></html>")


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


@pytest.mark.parametrize("line", [
    "Get the latest updates right in your inbox. Subscribe to our newsletters.",
    "Sign up for the free daily newsletter delivered to your inbox.",
    "Morning Briefing Newsletter",
    "Thanks for signing up!",
    "- Order Reprints",
    "Print Article",
    "Copyright ©2019 Example Media Inc. All Rights Reserved",
    "copyright Example 2019 - ISSN: 1234-5678",
    "This copy is for your personal, non-commercial use only.",
    "Like this story? Share it with a friend!",
    "Follow the Opinion section on Facebook, Twitter and Instagram.",
    "DON'T MISS",
    "Leia também",
    "China responds to the protest jibe [INSIGHT]",
    "Listen: https://example.com/podcast/615",
    "[button link=\"https://example.com/submit\" type=\"big\"] Send us your review[/button]",
    "Updated at 1:23 p.m.",
    "Comments",
    "Have a tip? Jane Doe may be reached at jdoe@example.com.",
])
def test_furniture_lines_are_boilerplate(line: str) -> None:
    assert boilerplate.is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "The newsletter industry grew by a third last year, the survey found.",
    "Copyright law changed in 2019 after a long debate in parliament.",
    "He called the plan 'irregardless of cost' [sic]",
    "Comments from the minister were published on Monday evening.",
    "http://example.com/a-source-cited-as-a-bare-link",
    PROSE[0],
])
def test_prose_is_not_boilerplate(line: str) -> None:
    assert not boilerplate.is_boilerplate(line)


def test_long_lines_are_never_furniture() -> None:
    long_line = "Sign up for our newsletter. " + " ".join(PROSE) * 2
    assert len(long_line) > 300
    assert not boilerplate.is_boilerplate(long_line)


def test_clean_body_drops_furniture_and_keeps_prose() -> None:
    text = "\n".join([PROSE[0], "Share this article", PROSE[1], "Order Reprints", "© 2024 Example News"])
    body = clean_body(text, title=None, noise=PageNoise())
    assert body.text.splitlines() == PROSE[:2]


def test_clean_body_cuts_a_related_links_tail() -> None:
    related = ["Mayor opens the new harbour bridge to traffic", "Ferry strike ends after three weeks of talks"]
    links = frozenset(squash(t) for t in related)
    text = "\n".join([*PROSE[:3], "More stories", *related])
    body = clean_body(text, title=None, noise=PageNoise(links=links))
    assert body.text.splitlines() == PROSE[:3]


def test_clean_body_keeps_a_single_link_line_at_the_end() -> None:
    # One linked sentence is not a related-stories list.
    text = "\n".join([*PROSE[:3], "Read the full council report on the city website here"])
    links = frozenset({squash("Read the full council report on the city website here")})
    body = clean_body(text, title=None, noise=PageNoise(links=links))
    assert body.text.splitlines()[-1].startswith("Read the full council report")


def test_clean_body_drops_address_and_headline_on_top() -> None:
    title = "Night buses reach the north"
    text = "\n".join(["https://news.example.com/2024/night-buses", title, *PROSE[:2]])
    body = clean_body(text, title=title, noise=PageNoise())
    assert body.text.splitlines() == PROSE[:2]


def test_page_noise_keeps_headline_links_not_bare_urls() -> None:
    tree = page('<div class="related"><ul><li><a href="/a">Ferry strike ends after three weeks of talks</a></li>'
                '</ul></div><p>Source: <a href="/s">http://example.com/very/long/source/address</a></p>')
    noise = page_noise(tree)
    assert squash("Ferry strike ends after three weeks of talks") in noise.links
    assert squash("Ferry strike ends after three weeks of talks") in noise.keys  # the link is the whole item
    assert not any("examplecom" in key for key in noise.links)


def test_linked_headings_of_the_article_are_not_noise() -> None:
    # A guide's section headings as links, and a table of contents pointing at them: article text.
    tree = page('<ul class="toc"><li><a href="#costs">What the night buses will cost the city</a></li></ul>'
                '<article><h2><a href="/guides/night-bus-routes">Where the night bus routes will run</a></h2>'
                f'{paragraphs(PROSE)}<h2 id="costs">What the night buses will cost the city</h2></article>')
    noise = page_noise(tree)
    assert squash("Where the night bus routes will run") not in noise.keys
    assert squash("What the night buses will cost the city") not in noise.links


def test_a_repeated_copy_of_the_article_is_dropped_but_a_refrain_stays() -> None:
    long = [p + " " + p for p in PROSE]  # paragraphs of article length
    question = "What do you like to cook for yourself when nobody is watching, and why that dish of all dishes?"
    text = "\n".join([*long, question, "Soup.", question, "Noodles.", *long])
    body = clean_body(text, title=None, noise=PageNoise())
    assert body.text.splitlines() == [*long, question, "Soup.", question, "Noodles."]


def test_block_lines_splits_blocks_not_source_lines() -> None:
    root = lxml.html.fragment_fromstring(
        "<div><h2>Heading</h2><p>One sentence\n   wrapped in the source.</p><p>Two<br>lines</p></div>")
    assert fallback.block_lines(root).splitlines() == ["Heading", "One sentence wrapped in the source.", "Two", "lines"]


def test_expand_takes_readability_when_trafilatura_stopped_early() -> None:
    primary = "\n".join(PROSE[:2])
    second = "\n".join(PROSE)
    assert fallback.expand(primary, second) == second


def test_expand_ignores_added_captions() -> None:
    caption = "The mayor, left, and the transport director at the depot on Monday, March 4, 2024."
    primary = "\n".join(PROSE)
    second = "\n".join([caption, *PROSE])
    assert fallback.expand(primary, second, frozenset({squash(caption)})) == primary


def test_expand_never_trims_trafilatura_to_readability() -> None:
    # A standfirst above the article and a list below it are often the article's own text.
    dek = "A short summary of the story that sits above the article in a heading element."
    related = ["Mayor opens the new harbour bridge to traffic", "Ferry strike ends after three weeks"]
    primary = "\n".join([dek, *PROSE, *related])
    assert fallback.expand(primary, "\n".join(PROSE)) == primary


def test_expand_keeps_trafilatura_when_they_disagree() -> None:
    weather = ["A different article about the weather and the coming storm front in the west.",
               "Forecasters expect heavy rain and strong winds across the coast by Friday night."]
    other = "\n".join(weather)
    primary = "\n".join(PROSE)
    assert fallback.expand(primary, other) == primary


def test_expand_never_replaces_text_with_a_menu() -> None:
    menu = "\n".join(["Skip to content", "Subscribe", "Sign In", *(f"Section {i}" for i in range(30))])
    primary = "\n".join(PROSE)
    assert fallback.expand(primary, menu) == primary


def test_readability_text_finds_the_article_not_the_navigation() -> None:
    nav = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(12))
    tree = page(f'<nav><ul>{nav}</ul></nav><div class="story">{paragraphs(PROSE)}</div>'
                '<div class="footer">Contact us | About | Jobs</div>')
    lines = fallback.readability_text(tree).splitlines()
    assert lines == PROSE


def test_doubt_is_quiet_on_a_plain_article() -> None:
    tree = page(f"<h1>Night buses</h1><article>{paragraphs(PROSE)}</article>")
    assert signals.doubt("\n".join(PROSE), tree) is None


def test_doubt_is_quiet_on_a_standfirst_under_the_headline() -> None:
    dek = "Councillors back a plan to run buses all night across the northern districts of the city"
    tree = page(f"<h1>Night buses</h1><h2>{dek}</h2><article>{paragraphs(PROSE)}</article>")
    assert signals.doubt("\n".join([dek, *PROSE]), tree) is None


def test_doubt_flags_an_article_split_over_blocks() -> None:
    long = [p + " " + p for p in PROSE]  # paragraphs of article length
    tree = page(f'<h1>Night buses</h1><div class="chunk">{paragraphs(long[:2])}</div>'
                f'<aside>Advert</aside><div class="chunk">{paragraphs(long[2:])}</div>')
    assert signals.doubt("\n".join(long[:2]), tree) == "prose left out"


def test_doubt_ignores_prose_elsewhere_on_the_page() -> None:
    long = [p + " " + p for p in PROSE]
    tree = page(f'<div class="story">{paragraphs(long[:3])}</div><div class="comment">{paragraphs(long[3:])}</div>')
    assert signals.doubt("\n".join(long[:3]), tree) is None


def test_extract_body_keeps_paragraphs_with_react_comment_markers() -> None:
    # React server rendering puts empty comments inside sentences.
    marked = [p.replace(" the ", " the<!-- --> ", 1) for p in PROSE]
    tree = page(f"<h1>Night buses</h1><article>{paragraphs(marked)}</article>")
    assert extract_body(tree, None).splitlines() == PROSE  # each paragraph whole, on its own line


def test_challenge_page_detected_in_any_case() -> None:
    html = "<html><head><title>JUST A MOMENT...</title></head><body><p>Checking</p></body></html>"
    with pytest.raises(PageRejected):
        check_blocked(parse_html(html), html)


def test_squash_keeps_letters_and_digits_only() -> None:
    assert squash("Hội nghị: 2023 — Ａ_B!") == "hộinghị2023ab"


def test_a_menu_read_as_the_start_of_the_text_is_dropped() -> None:
    regions = ["Moscow", "Saint Petersburg", "Arkhangelsk", "Astrakhan", "Barnaul", "Belgorod", "Bryansk"]
    nav = "".join(f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(regions))
    tree = page(f"<ul>{nav}</ul><article>{paragraphs(PROSE)}</article>")
    text = "\n".join(["Your region:", *regions, *PROSE])
    assert clean_body(text, title=None, noise=page_noise(tree)).text.splitlines() == PROSE


def test_a_short_list_of_links_inside_the_article_stays() -> None:
    sources = ["Council minutes", "Budget 2024", "Transport plan"]
    nav = "".join(f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(sources))
    tree = page(f"<article>{paragraphs(PROSE)}<ul>{nav}</ul></article>")
    text = "\n".join([*PROSE[:2], *sources, *PROSE[2:]])
    assert clean_body(text, title=None, noise=page_noise(tree)).text.splitlines() == [*PROSE[:2], *sources, *PROSE[2:]]


@pytest.mark.parametrize("stamp", [
    "2020-04-01 10:29", "2月15日（土）7時0分 オリコン", "입력 2020.08.27 20:27", "北京新浪網 (2020-01-21 11:12)",
    "Published March 4, 2024 10:00 AM", "Copyrights ⓒ 스포츠조선. 무단 전재 및 재배포 금지",
])
def test_a_time_stamp_or_rights_notice_above_or_below_the_article_is_not_text(stamp: str) -> None:
    body = clean_body("\n".join([stamp, *PROSE, stamp]), title=None, noise=PageNoise())
    assert body.text.splitlines() == PROSE


def test_a_sentence_with_a_date_stays() -> None:
    first = "The council met on March 4, 2024."
    body = clean_body("\n".join([first, *PROSE]), title=None, noise=PageNoise())
    assert body.text.splitlines() == [first, *PROSE]
