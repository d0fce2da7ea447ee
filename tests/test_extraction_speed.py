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
