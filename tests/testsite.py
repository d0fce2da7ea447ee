"""A small news site for crawl tests: sitemaps, feeds, categories, traps and faults."""

from __future__ import annotations

import gzip
import html
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tests.mockserver import MockServer, Route
from tests.pages import article_html, listing_html

OFFSETS = ["+07:00", "-05:00", "+05:30", "+00:00", "+09:00", "-03:00"]
CATEGORIES = ["world", "sport"]


@dataclass
class Story:
    path: str
    title: str
    published: str  # ISO 8601 with the offset the page states
    in_sitemap: bool = True
    in_feed: bool = True
    linked: bool = True

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.published)


def make_stories(count: int, newest: datetime | None = None) -> list[Story]:
    """Newest first; story 0 is an hour old (or `newest`), story i is i*7 hours older."""
    newest = newest or datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=1)
    stories = []
    for i in range(count):
        offset = OFFSETS[i % len(OFFSETS)]
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        when = (newest - timedelta(hours=7 * i)).astimezone(tz)
        category = CATEGORIES[i % len(CATEGORIES)]
        slug = f"story-number-{i}-about-the-city-budget-{1000 + i}"
        path = f"/{category}/{when:%Y/%m/%d}/{slug}"
        stories.append(Story(path, f"Story number {i} about the city budget", when.isoformat()))
    return stories


class LocalNewsSite:
    """Builds the site's routes on a MockServer. Stories 3 and 7 are only linked from other
    articles (in no sitemap or feed); stories 5 and 9 are in sitemaps only (no link)."""

    def __init__(self, server: MockServer, count: int = 14, robots_extra: str = "",
                 newest: datetime | None = None) -> None:
        self.server = server
        self.stories = make_stories(count, newest)
        for i in (3, 7):
            if i < count:
                self.stories[i].in_sitemap = self.stories[i].in_feed = False
        for i in (5, 9):
            if i < count:
                self.stories[i].linked = False
                self.stories[i].in_feed = False
        self.robots_extra = robots_extra
        self.build()

    @property
    def base(self) -> str:
        return self.server.base

    def build(self) -> None:
        s = self.server
        s.route("/robots.txt", "User-agent: *\nDisallow: /private/\nDisallow: /search\n"
                f"{self.robots_extra}Sitemap: {self.base}/sitemap_index.xml\n", Content_Type="text/plain")
        s.route("/sitemap_index.xml", self.sitemap_index(), Content_Type="application/xml")
        news = [st for st in self.stories if st.in_sitemap][:4]
        older = [st for st in self.stories if st.in_sitemap][4:]
        s.route("/sitemaps/news.xml", self.urlset(news, news_dates=True), Content_Type="application/xml")
        s.route("/sitemaps/posts.xml.gz", gzip.compress(self.urlset(older, news_dates=False).encode()),
                Content_Type="application/gzip")
        feed = self.rss([st for st in self.stories if st.in_feed][:6])
        s.route("/feed.xml", feed, Content_Type="application/rss+xml")
        s.route("/", self.homepage())
        for category in CATEGORIES:
            mine = [st for st in self.stories if st.linked and st.path.startswith(f"/{category}/")]
            s.route(f"/{category}/", listing_html(category, [(st.path, st.title) for st in mine[:3]],
                                                   next_page=f"/{category}/?page=2"))
            s.route(f"/{category}/?page=2", listing_html(category, [(st.path, st.title) for st in mine[3:]]))
        for i, story in enumerate(self.stories):
            related = [self.stories[j] for j in (i + 3, i + 4) if j < len(self.stories)]
            body_links = "".join(f'<li><a href="{r.path}">{html.escape(r.title)}</a></li>' for r in related)
            page = article_html(story.title, date=story.published, canonical=story.path)
            page = page.replace("</article>", f"</article><aside><ul>{body_links}</ul></aside>")
            s.route(story.path, page)
        s.route("/private/preview-1", article_html("Private preview"))
        s.route("/files/report.pdf", b"%PDF-1.4 not html", Content_Type="application/pdf")
        s.redirect("/old/story-0", "/go/story-0")
        s.redirect("/go/story-0", self.stories[0].path)
        s.dynamic = self.calendar

    def calendar(self, path: str, hit: int) -> Route | None:
        """An endless day archive: every day links to the day before and after (a trap)."""
        if not path.startswith("/archive/"):
            return None
        parts = [p for p in path.split("/") if p.isdigit()]
        if len(parts) != 3:
            return None
        day = datetime(*map(int, parts), tzinfo=timezone.utc)  # type: ignore[misc]
        days = (day - timedelta(days=1), day + timedelta(days=1))
        links = [(f"/archive/{d:%Y/%m/%d}/", f"{d:%d %B %Y}") for d in days]
        return Route(listing_html(f"Archive {day:%Y-%m-%d}", links).encode())

    def homepage(self) -> str:
        linked = [st for st in self.stories if st.linked and (st.in_sitemap or st.in_feed)][:6]
        links = [(st.path, st.title) for st in linked]
        links += [(st.path + "?utm_source=homepage&utm_medium=social", st.title) for st in linked[:3]]
        links += [("/world/", "World"), ("/sport/", "Sport"), (f"/archive/{self.stories[0].when:%Y/%m/%d}/", "Archive"),
                  ("/files/report.pdf", "Annual report"), ("/private/preview-1", "Preview"),
                  ("/news/removed/old-poll-about-parking-spaces", "Old poll"), ("/old/story-0", "Top story"),
                  ("/search?q=budget", "Search"), ("#top", "Top")]
        page = listing_html("Example Times", links)
        return page.replace("</head>", '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>')

    def sitemap_index(self) -> str:
        paths = ("/sitemaps/news.xml", "/sitemaps/posts.xml.gz")
        items = "".join(f"<sitemap><loc>{self.base}{p}</loc></sitemap>" for p in paths)
        return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'

    def urlset(self, stories: list[Story], news_dates: bool) -> str:
        items = []
        for st in stories:
            if news_dates:
                extra = (f"<news:news><news:publication><news:name>Example Times</news:name><news:language>en"
                         f"</news:language></news:publication><news:publication_date>{st.published}"
                         f"</news:publication_date><news:title>{html.escape(st.title)}</news:title></news:news>")
            else:
                extra = f"<lastmod>{st.published}</lastmod>"
            items.append(f"<url><loc>{self.base}{st.path}</loc>{extra}</url>")
        return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{"".join(items)}</urlset>')

    def rss(self, stories: list[Story]) -> str:
        items = "".join(
            f"<item><title>{html.escape(st.title)}</title><link>{self.base}{st.path}?utm_source=rss</link>"
            f"<pubDate>{st.when:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>" for st in stories)
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Example Times</title>{items}</channel></rss>'
