"""Small but realistic article and listing pages for tests of our own sites."""

from __future__ import annotations

import html

LOREM = (
    "The city council approved the new budget on Tuesday after a long debate about public transport. "
    "Officials said the plan would add bus lines in the northern districts and repair two bridges. "
    "Residents who spoke at the meeting asked for more cycling lanes and safer crossings near schools. "
    "The mayor promised a progress report in the spring, when the first contracts are expected to be signed."
)


def article_html(title: str, *, date: str | None = "2024-03-05T10:00:00+01:00", lang: str = "en",
                 paragraphs: int = 4, site_name: str = "Example Times", author: str | None = "Jane Doe",
                 body: list[str] | None = None, canonical: str | None = None, charset: str = "utf-8") -> str:
    paras = body if body is not None else [f"{LOREM} ({title}, part {i + 1}.)" for i in range(paragraphs)]
    head = [f'<meta charset="{charset}">', f"<title>{html.escape(title)} | {html.escape(site_name)}</title>",
            f'<meta property="og:site_name" content="{html.escape(site_name)}">',
            '<meta property="og:type" content="article">']
    if date:
        head.append(f'<meta property="article:published_time" content="{date}">')
    if author:
        head.append(f'<meta name="author" content="{html.escape(author)}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    body_html = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{"".join(head)}</head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<article><h1>{html.escape(title)}</h1>{body_html}</article>"
            f"<footer>© {html.escape(site_name)}</footer></body></html>")


def listing_html(title: str, links: list[tuple[str, str]], *, next_page: str | None = None) -> str:
    items = "".join(f'<li><a href="{href}">{html.escape(text)}</a></li>' for href, text in links)
    nxt = f'<a rel="next" href="{next_page}">Next</a>' if next_page else ""
    return (f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>"
            f"<h1>{html.escape(title)}</h1><ul>{items}</ul>{nxt}</body></html>")
