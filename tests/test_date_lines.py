"""Which dates of a page are the article's: markup conventions, on small pages built for each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.items import DateCandidate
from pipelines.extraction.datefinder import find_dates
from pipelines.extraction.document import parse_html
from pipelines.extraction.structured import read_structured
from pipelines.normalization.dates import DateContext
from pipelines.normalize import choose_dates

URL = "https://news.example.com/world/story-about-budget"
HEAD = "<head><title>City passes budget</title><meta property='og:title' content='City passes budget'></head>"
TEXT = "<p>" + "The council voted on the budget after a long debate about schools and roads. " * 6 + "</p>"


def candidates(body: str, url: str = URL, body_class: str = "") -> list[DateCandidate]:
    tree = parse_html(f"<html>{HEAD}<body class='{body_class}'>{body}</body></html>")
    return find_dates(tree, read_structured(tree), url, None)


def published(body: str, url: str = URL, body_class: str = "") -> str | None:
    chosen, _ = choose_dates(candidates(body, url, body_class), DateContext(base=datetime(2026, 1, 1, tzinfo=UTC)))
    return chosen[1].value.date().isoformat() if chosen else None


def test_wordpress_permalink_around_the_time_is_the_page_own() -> None:
    body = (f"<article><h1>City passes budget</h1><span class='posted-on'><a rel='bookmark' href='{URL}'>"
            "<time class='entry-date published' datetime='2020-06-22T09:30:00+02:00'>June 22, 2020</time></a></span>"
            f"{TEXT}</article>")
    assert published(body) == "2020-06-22"


def test_layout_classes_above_the_headline_do_not_hide_its_date() -> None:
    body = ("<div class='has-sidebar nav-no-loaded'><h1>City passes budget</h1>"
            f"<time datetime='2020-06-22T09:30:00+02:00'>prije 28 minuta</time>{TEXT}</div>")
    assert published(body, body_class="has-sidebar nav-no-loaded single-post") == "2020-06-22"


def test_teaser_cards_comments_and_embeds_are_other_items() -> None:
    body = ("<h1>City passes budget</h1>" + TEXT +
            "<ul class='list'><li><h3><a href='/other-story'>Another story</a></h3>"
            "<time datetime='2019-01-01T10:00:00Z'>Jan 1, 2019</time></li></ul>"
            "<section class='comments'><time datetime='2019-02-02T10:00:00Z'>Feb 2, 2019</time></section>"
            "<blockquote class='instagram-media'><time datetime='2019-03-03T10:00:00Z'>Mar 3</time></blockquote>")
    assert published(body) is None


def test_the_site_header_date_is_today_not_the_article() -> None:
    body = (f"<header class='site'><div class='today'>Saturday 20 December, 2025</div></header>"
            f"<main><h1>City passes budget</h1>{TEXT}</main>")
    assert published(body) is None


def test_time_without_datetime_is_read_from_its_text() -> None:
    assert published(f"<h1>City passes budget</h1><time>July 27, 2025</time>{TEXT}") == "2025-07-27"


def test_a_date_line_with_more_than_the_date() -> None:
    line = "By Dr. Vahid Osman - Mar 27, 2024 • 11 Minute Read"
    body = f"<h1>City passes budget</h1><div class='meta'>{line}</div>{TEXT}"
    assert published(body) == "2024-03-27"


def test_a_wire_dateline_opens_the_story() -> None:
    body = f"<h1>City passes budget</h1><p>RAJSHAHI, Dec 20, 2025 (BSS) - {TEXT[3:]}"
    found = candidates(body)
    assert [c.raw for c in found if c.source == "visible"] == ["RAJSHAHI, Dec 20, 2025 (BSS)"]
    assert published(body) == "2025-12-20"


def test_a_labelled_date_far_from_the_headline() -> None:
    filler = "".join(f"<div><span>item {i}</span></div>" for i in range(120))
    body = f"<h1>City passes budget</h1>{filler}<div class='meta'><span>Posted on April 13, 2023</span></div>{TEXT}"
    assert published(body) == "2023-04-13"


def test_an_element_named_for_its_date_anywhere_in_an_old_layout() -> None:
    filler = "".join(f"<tr><td>menu {i}</td></tr>" for i in range(150))
    body = (f"<table>{filler}<tr><td><span class='itemPostDate'>am 25.08.2015 22:30</span></td></tr></table>"
            f"<h2>City passes budget</h2>{TEXT}")
    assert published(body) == "2015-08-25"


def test_an_element_named_for_its_date_in_the_page_language() -> None:
    filler = "".join(f"<tr><td>menu {i}</td></tr>" for i in range(150))
    body = (f"<table>{filler}<tr><td><div class='ngay-dang'>Thứ Hai 26/11/2012</div></td></tr></table>"
            f"<div class='title'>City passes budget</div>{TEXT}")
    assert published(body) == "2012-11-26"


def test_a_bare_date_and_time_line_in_an_old_vietnamese_layout() -> None:
    filler = "".join(f"<tr><td><a href='/m{i}'>Chuyên mục {i}</a></td></tr>" for i in range(150))
    body = (f"<table>{filler}<tr><td>Thứ Hai, 05/11/2012, 09:47 GMT+7</td></tr></table>"
            f"<div class='title'>City passes budget</div>{TEXT}")
    tree = parse_html(f"<html>{HEAD}<body>{body}</body></html>")
    chosen, _ = choose_dates(find_dates(tree, read_structured(tree), URL, None),
                             DateContext(base=datetime(2026, 1, 1, tzinfo=UTC), tz="Asia/Ho_Chi_Minh",
                                             languages=("vi",)))
    assert chosen is not None and chosen[1].isoformat() == "2012-11-05T09:47:00+07:00"
    assert chosen[1].tz_assumed is False


@pytest.mark.parametrize("headline", ["Ergebnisse: RM Schülerinnen A, Aalen-Unterkochen, 19.5.2007"])
def test_a_date_inside_the_headline_sentence_is_an_event(headline: str) -> None:
    assert published(f"<h1>{headline}</h1>{TEXT}") is None


def test_a_headline_that_opens_with_its_date_is_dated_by_it() -> None:
    assert published(f"<h1>23.01.2022 - Wierer darf beim Abschluss jubeln</h1>{TEXT}") == "2022-01-23"


def test_unlabelled_dates_far_from_the_headline_are_not_taken() -> None:
    filler = "".join(f"<div><span>item {i}</span></div>" for i in range(120))
    body = f"<h1>City passes budget</h1>{TEXT}{filler}<div class='list'>Budget hearing 13.04.2023 in the hall</div>"
    assert published(body) is None


def test_app_state_dates_only_when_they_name_one_date() -> None:
    state = ('<script id="__NEXT_DATA__">{"props":{"page":{"first_publication_date":"2025-05-27T08:00:00+0000"}}}'
             "</script>")
    body = f"<h1>City passes budget</h1>{TEXT}{state}"
    found = [c for c in candidates(body) if c.source == "script"]
    assert [c.raw for c in found] == ["2025-05-27T08:00:00+0000"]
    others = ('<script>{"related":[{"publishedAt":"2024-01-01T00:00:00Z"},'
              '{"publishedAt":"2024-02-02T00:00:00Z"}]}</script>')
    assert not [c for c in candidates(f"<h1>City passes budget</h1>{TEXT}{state}{others}") if c.source == "script"]


def test_a_side_block_that_repeats_the_headline_is_the_article_own_header() -> None:
    own = ("<div class='hero'><h1>City passes budget</h1></div>"
           "<div class='sidebar'><p class='h1'>City passes budget</p>"
           "<time datetime='2022-01-28'>28. Januar 2022</time></div>" + TEXT)
    assert published(own) == "2022-01-28"
    # The headline as a link in a side list (a "most read" box) does not make the box the article's
    teaser = ("<div class='hero'><h1>City passes budget</h1></div>" + TEXT +
              "<div class='sidebar'><p><a href='/x'>City passes budget</a></p>"
              "<time datetime='2019-01-28'>28. Januar 2019</time></div>")
    assert published(teaser) is None
