"""The headline from real markup patterns: kickers, CSS-in-JS, dates, site names, CJK.

Each page is the smallest markup that shows one pattern as publishers write it (the class
names and structure come from real pages in the dev sets); the expected title is what a
reader sees as the headline, without kicker, date or site name.
"""

from __future__ import annotations

import pytest

from pipelines.extraction.document import parse_html
from pipelines.extraction.metadata import read_facts
from pipelines.extraction.structured import read_structured
from pipelines.extraction.titles import choose_title, headline_node, strip_site_name


def page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}<p>{'Some article text here. ' * 40}</p></body></html>"


def title_of(html: str) -> str | None:
    tree = parse_html(html)
    data = read_structured(tree)
    facts = read_facts(tree, data, None, None)
    return choose_title(tree, data, facts.site_names, None)


CASES = {
    # CSS-in-JS (emotion) puts <style> blocks inside the h1: never words of the title.
    "css-in-js style in h1": (
        page('<meta property="og:title" content="Impfen und Boostern ist bis Ende Februar noch möglich">',
             '<h1 class="css-3003lo"><style data-emotion="css umyvef">.css-umyvef{font-size:16px;display:block;}'
             '</style><span class="css-umyvef">Medienmitteilung der Direktion <style>.css-1ftw{clip:rect(0 0 0 0)}'
             '</style><span class="css-1ftw">:</span></span>'
             "Impfen und Boostern ist bis Ende Februar noch möglich</h1>"),
        "Impfen und Boostern ist bis Ende Februar noch möglich"),
    "script and noscript in h1": (
        page("<title>Council approves the new bridge budget</title>",
             "<h1><script>window.x = 1;</script>Council approves the new bridge budget"
             "<noscript>Enable JS</noscript></h1>"),
        "Council approves the new bridge budget"),
    # Kickers (Dachzeile, overline, topline) set as their own element inside the h1.
    "dachzeile span": (
        page('<meta property="og:title" content="Daten von Rheinmetall gehackt - Interne Unterlagen im Netz">',
             '<h1> <span class="dachzeile">Interne Unterlagen im Netz</span> '
             '<span class="headline">Daten von Rheinmetall gehackt</span> </h1>'),
        "Daten von Rheinmetall gehackt"),
    "kicker and visually hidden colon, declared title repeats the kicker": (
        page('<meta property="og:title" content="Klimaschutz: Bohren, bis es heiß wird">'
             "<title>Klimaschutz: Bohren, bis es heiß wird | ZEIT ONLINE</title>",
             '<h1 class="article-heading"><span class="article-heading__kicker">Klimaschutz</span>'
             '<span class="visually-hidden">: </span><span class="article-heading__title">Bohren, bis es heiß wird'
             "</span></h1>"),
        "Bohren, bis es heiß wird"),
    "overline glued to the headline without a space": (
        page('<meta property="og:title" content="Die Zukunft der Arbeit - Wir dekorieren die Liegestühle um">',
             '<h1><span class="overline">Die Zukunft der Arbeit</span>Wir dekorieren die Liegestühle um</h1>'),
        "Wir dekorieren die Liegestühle um"),
    "kicker element the declared title leaves out": (
        page('<meta property="og:title" content="Erinnerung an die Opfer der NS-Verbrechen">',
             "<h1><em>Holocaust-Gedenktag </em>Er\xadin\xadne\xadrung an die Op\xadfer der NS-Ver\xadbre\xadchen</h1>"),
        "Erinnerung an die Opfer der NS-Verbrechen"),
    "small kicker before a line break": (
        page('<meta property="og:title" content="Große Aufgaben für die neue Regierung">',
             '<h1 itemprop="headline"> <small>Tunesien</small><br/> Große Aufgaben für die neue Regierung </h1>'),
        "Große Aufgaben für die neue Regierung"),
    "date and category line after the headline": (
        page("<title>Zuschauerrückkehr bei den Proficlubs der Region | HVW</title>",
             "<h1> Zuschauerrückkehr bei den Proficlubs der Region<br/><small>02.02.2022 • "
             '<span class="news-list-category">Presse, Allgemein</span></small></h1>'),
        "Zuschauerrückkehr bei den Proficlubs der Region"),
    "time element in a supertitle": (
        page("<title>Ministerin Raab: Rahmenbedingungen gestalten - Bundeskanzleramt</title>",
             '<h1><span class="supertitle"><time datetime="2022-02-01">1. Februar 2022</time></span>'
             '<span class="title">Ministerin Raab: Rahmenbedingungen gestalten</span></h1>'),
        "Ministerin Raab: Rahmenbedingungen gestalten"),
    "one headline in two spans stays whole": (
        page('<meta property="og:title" content="Krach vor der Versammlung: Es knirscht im Aufsichtsrat">',
             '<h1><span class="pf-title">Krach vor der Versammlung:</span><br/>'
             '<span class="ultralarge">Es knirscht im Aufsichtsrat</span></h1>'),
        "Krach vor der Versammlung: Es knirscht im Aufsichtsrat"),
    # Dates set in front of the headline.
    "numeric date prefix": (
        page("<title>23.01.2022 - Dorothea Wierer darf beim Abschluss noch jubeln - Biathlon Antholz</title>",
             '<h1 class="t1">23.01.2022 - Dorothea Wierer darf beim Abschluss noch jubeln</h1>'),
        "Dorothea Wierer darf beim Abschluss noch jubeln"),
    "date with a month name in a declared title": (
        page('<meta property="og:site_name" content="Le Site">'
             "<title>5 janvier 2022 : Le gouvernement annonce un plan pour les écoles - Le Site</title>",
             "<div>pas de titre visible</div>"),
        "Le gouvernement annonce un plan pour les écoles"),
    "a year is not a date": (
        page("<title>2025 Top Insurance Company Performance Rankings</title>",
             "<h1>2025 Top Insurance Company Performance Rankings</h1>"),
        "2025 Top Insurance Company Performance Rankings"),
    # Site names the page does not declare.
    "blog name in the logo h1, headline in an h2": (
        page("<title>Was ist Virales Marketing? | DimidoBlog</title>",
             '<div id="header"><h1><a href="http://www.dimido.de/">DimidoBlog</a></h1></div>'
             '<link rel="canonical" href="http://www.dimido.de/2008/07/virales-marketing/">'
             "<div class='post'><h2>Was ist Virales Marketing?</h2></div><h2>Kategorien</h2>"),
        "Was ist Virales Marketing?"),
    "site name from the copyright line": (
        page("<title>Les écoles face à la pénurie de professeurs | AOC media - Analyse Opinion Critique</title>",
             "<footer><p>© 2024 AOC media - Analyse Opinion Critique</p></footer>"),
        "Les écoles face à la pénurie de professeurs"),
    "domain name as the last segment": (
        page("<title>GAME CHANGER | Newegg.com</title>", "<div>promo</div>"),
        "GAME CHANGER"),
    "site name of the home link text": (
        page("<title>Muffin Grundrezept : Muffin Rezepte</title>",
             '<h1 class="logo"><a href="/" title="Muffin Rezepte">Muffin Rezepte</a></h1><h2>Muffin Grundrezept</h2>'),
        "Muffin Grundrezept"),
    # h1s that are not the headline.
    "screen-reader h1 and topline": (
        page("<title>Energiewende und nachhaltiges Wirtschaften - BMBF</title>",
             '<header><h1 class="aural" aria-hidden="true">Navigation und Service</h1></header>'
             '<h1 class="c-intro__headline"><span>Energiewende und nachhaltiges Wirtschaften</span>'
             '<span class="aural">: </span><small class="c-topline"><span class="c-topline__theme">Forschung'
             "</span></small></h1>"),
        "Energiewende und nachhaltiges Wirtschaften"),
    "h1 in the breadcrumb trail, headline in an h2": (
        page('<meta property="og:title" content="Kim Jong Un: Der Diktator ist zurück">'
             '<script type="application/ld+json">{"@type": "NewsArticle", '
             '"headline": "Nordkorea: Kim Jong Un ist wieder da"}</script>',
             '<ol class="breadcrumb"><li><h1>Nordkorea: Kim Jong Un ist wieder da</h1></li></ol>'
             "<h2>Kim Jong Un: Der Diktator ist zurück</h2>"),
        "Kim Jong Un: Der Diktator ist zurück"),
    "footer h1 is never the headline": (
        page('<meta property="og:title" content="Consumers worry about the smart home">',
             '<div class="et_pb_row_0_tb_footer"><h1><span>Return to Nationwide Website</span></h1></div>'),
        "Consumers worry about the smart home"),
    "hidden h1 loses to the visible agreeing one": (
        page('<meta property="og:title" content="Auf das erste Elektron kommt es an"><title>News - Eawag</title>'
             '<link rel="canonical" href="https://www.eawag.ch/de/news/elektron/">',
             '<h1 class="header pagetitle hidden">News</h1><div class="article"><h1>Auf das erste Elektron kommt es an'
             "</h1></div>"),
        "Auf das erste Elektron kommt es an"),
    "headline h1 beats an SEO og:title": (
        page('<meta property="og:title" content="Best cheap flights to Lisbon in 2025 | Deals">',
             '<h1 class="entry-title">How I flew to Lisbon for forty euros</h1>'),
        "How I flew to Lisbon for forty euros"),
    "a headline that starts with the site's name keeps it": (
        page('<meta property="og:site_name" content="the Guardian">'
             '<meta property="og:title" content="The Guardian view on Hong Kong: a city on the brink | Editorial">',
             '<h1 class="content__headline">The Guardian view on Hong Kong: a city on the brink</h1>'
             '<span class="content__headline--byline"><a rel="author" href="/profile/editorial">Editorial</a></span>'),
        "The Guardian view on Hong Kong: a city on the brink"),
    "headline in p.titulo under a logo h1": (
        page("<title>Atendimento Domiciliar registra arrombamento em veículos - Jaraguá do Sul</title>",
             '<h1 class="logo"><a href="/"><img alt="Jaraguá do Sul"></a></h1>'
             '<p class="titulo">Atendimento Domiciliar registra arrombamento em veículos</p>'),
        "Atendimento Domiciliar registra arrombamento em veículos"),
    "a related item's short title does not beat the headline h1": (
        page("<title>The Future of AI in Healthcare | Appen</title>",
             "<h1>AI Industry News: Patient Care, Prevention and How Hospitals Already Use AI</h1>"
             '<div class="pt-cv-ctf-short_title">The Future of AI in Healthcare</div>'),
        "AI Industry News: Patient Care, Prevention and How Hospitals Already Use AI"),
    # CJK.
    "ruby readings over Japanese words": (
        page("<title>NEWS WEB EASY|子どもへの体罰を禁止する法律ができる</title>",
             '<h1 class="article-main__title"><ruby>子<rt>こ</rt></ruby>どもへの<ruby>体罰<rt>たいばつ</rt></ruby>'
             "を<ruby>禁止<rt>きんし</rt></ruby>する<ruby>法律<rt>ほうりつ</rt></ruby>ができる</h1>"),
        "子どもへの体罰を禁止する法律ができる"),
    "japanese site name after a full-width colon": (
        page('<meta property="og:site_name" content="日本経済新聞">'
             "<title>日銀、金融政策の修正を決定：日本経済新聞</title>",
             '<h1 class="logo">日本経済新聞</h1>'),
        "日銀、金融政策の修正を決定"),
    "chinese title with an underscore separator": (
        page('<meta property="og:site_name" content="新浪网"><title>国务院常务会议部署稳就业工作_新浪网</title>',
             "<div>x</div>"),
        "国务院常务会议部署稳就业工作"),
    "korean headline h1 agreeing with og:title": (
        page('<meta property="og:title" content="서울시, 내년부터 대중교통 요금 인상 - 한국일보">'
             '<meta property="og:site_name" content="한국일보">',
             '<h1 class="title">서울시, 내년부터 대중교통 요금 인상</h1>'),
        "서울시, 내년부터 대중교통 요금 인상"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_headline_from_markup(case: str) -> None:
    html, expected = CASES[case]
    assert title_of(html) == expected


def test_a_page_named_only_by_its_site_still_gets_a_title() -> None:
    # The declared title is the blog's own name, linked home from the h1: better than no record.
    html = page("<title>Gaby’s - Colours of the Soul</title>",
                '<h1><a href="http://www.colours.example" title="Gaby’s - Colours of the Soul">'
                "Gaby’s - Colours of the Soul</a></h1>")
    assert title_of(html) == "Gaby’s - Colours of the Soul"


def test_headline_node_is_the_element_the_title_came_from() -> None:
    html = page('<meta property="og:title" content="Daten von Rheinmetall gehackt">',
                '<h1 class="logo"><a href="/">Tagesschau</a></h1>'
                '<div class="meldungHead"><h1><span class="dachzeile">Interne Unterlagen</span>'
                '<span class="headline">Daten von Rheinmetall gehackt</span></h1><p>01.02.2022 10:30 Uhr</p></div>')
    tree = parse_html(html)
    node = headline_node(tree, read_structured(tree))
    assert node is not None and node.getparent().get("class") == "meldungHead"


@pytest.mark.parametrize(("title", "names", "shown", "expected"), [
    ("Headline of the day | Example News", ["Example News"], [], "Headline of the day"),
    ("Example News - Headline of the day", ["Example"], [], "Headline of the day"),
    ("Welcome to Foo", ["Foo"], [], "Welcome to Foo"),  # no mark before the name: part of the sentence
    ("Headline: the second part", ["Other"], [], "Headline: the second part"),
    ("davidbau.com Vibe Coding", [], ["davidbau.com"], "Vibe Coding"),
    ("Kinder und Arbeit » ProNATs e.V.", [], ["ProNATs e.V."], "Kinder und Arbeit"),
])
def test_strip_site_name(title: str, names: list[str], shown: list[str], expected: str) -> None:
    assert strip_site_name(title, names, shown) == expected
