"""Bangladeshi news sites (the evidence for each: its fixture in tests/fixtures/profiles/<name>/).

Asia/Dhaka time (UTC+6, no DST).
"""

from __future__ import annotations

from .base import SiteProfile

# BSS, the national news agency: a headline ticker ("News Flash") above the story, the byline as
# its own paragraph (`By <strong>name</strong>`), the lead opening with `By NAME` and the dateline.
BSS = SiteProfile(
    name="bss", domains=("bssnews.net",), timezone="Asia/Dhaka", language="en",
    article_url=r"^https://www\.bssnews\.net/[a-z-]+/\d+$",
    title_xpath="//div[contains(@class,'headline_section')]/h4",
    author_xpath="//div[@id='dtl_part']/p[starts-with(normalize-space(.), 'By ')]/strong",
    date_xpath="//div[@id='dtl_part']/p[contains(., '(BSS)')][1]",  # the dateline: the page's only date
    prune_xpaths=("//section[@id='headline']",
                  "//div[@id='dtl_part']/p[starts-with(normalize-space(.), 'By ')][strong]"),
    lead_prefix=r"^(?:By .+?\s+)?[A-Z][A-Za-z .]+, [A-Z][a-z]{2} \d{1,2}, \d{4} \(BSS\)\s*-\s*",
)

PROFILES = (BSS,)
