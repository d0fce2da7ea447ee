"""Vietnamese news sites (the evidence for each: its fixture in tests/fixtures/profiles/<name>/,
whose meta.json says where the page came from).

All of them keep Asia/Ho_Chi_Minh time (UTC+7, no DST) and write dates day-first.
"""

from __future__ import annotations

from typing import Any

from .base import SiteProfile

_VN: dict[str, Any] = {"timezone": "Asia/Ho_Chi_Minh", "language": "vi", "date_order": "DMY"}
# VC-CMS family (Tuổi Trẻ, Người Lao Động, Báo Chính phủ): data-role attributes and boxes.
_VC_PRUNE = (
    "//*[contains(@class,'VCSortableInPreviewMode')][@type='RelatedNewsBox' or @type='RelatedOneNews']",
    "//*[contains(@class,'readmore-body-box')]",
    "//*[contains(@class,'PhotoCMS_Caption')]",
)
# cms-* family (VietnamPlus, Tiền Phong, ...).
_CMS_PRUNE = ("//*[contains(@class,'article__related') or contains(@class,'related-news')]",)

VNEXPRESS = SiteProfile(
    name="vnexpress", domains=("vnexpress.net",), **_VN,
    feeds=("https://vnexpress.net/rss/tin-moi-nhat.rss",),
    article_url=r"^https://vnexpress\.net/[a-z0-9-]+-\d{7}\.html$",
    title_xpath="//h1[contains(@class,'title-detail')]",
    date_xpath="//span[@class='date']",
    author_xpath="//article[contains(@class,'fck_detail')]/p[@style='text-align:right;']/strong",
    prune_xpaths=("//*[@data-component-type='tin_xemthem']", "//p[contains(@class,'Image')]"),
)
TUOITRE = SiteProfile(
    name="tuoitre", domains=("tuoitre.vn",), **_VN,
    feed_date_formats=("%m/%d/%Y %I:%M:%S %p",),  # the feed writes US order: 10/5/2026 3:42:00 PM
    feeds=("https://tuoitre.vn/rss/tin-moi-nhat.rss",),
    article_url=r"^https://tuoitre\.vn/[a-z0-9-]+-\d{17,18}\.htm$",
    date_xpath="//*[@data-role='publishdate']",
    author_xpath="//*[@data-role='author']",
    # A paragraph that is only an `a.seo-suggest-link` is a suggestion; one inside a sentence is its words.
    prune_xpaths=(*_VC_PRUNE, "//p[a[contains(@class,'seo-suggest-link')] and not(text()[normalize-space()])]"),
    lead_prefix=r"^TTO\s*-\s*",
)
THANHNIEN = SiteProfile(
    name="thanhnien", domains=("thanhnien.vn",), **_VN,
    feeds=("https://thanhnien.vn/rss/home.rss",),
    article_url=r"^https://thanhnien\.vn/[a-z0-9-]+-\d{15,}\.htm$",
    date_xpath="//*[contains(@class,'detail-time')]",
    author_xpath="//*[contains(@class,'detail-author')]//*[contains(@class,'name')]",
    prune_xpaths=("//*[contains(@class,'morenews')]", "//*[contains(@class,'video-content-wrapper')]",
                  "//*[contains(@class,'display-ads')]"),
)
VIETNAMPLUS = SiteProfile(
    name="vietnamplus", domains=("vietnamplus.vn",), **_VN,
    sitemaps=("https://www.vietnamplus.vn/sitemaps/categories.xml",),
    article_url=r"^https://www\.vietnamplus\.vn/[a-z0-9-]+-post\d+\.vnp$",
    title_xpath="//h1[contains(@class,'article__title')]",
    date_xpath="//*[contains(@class,'article__meta')]//time",
    author_xpath="//*[contains(@class,'cms-author')]",
    prune_xpaths=_CMS_PRUNE,
)
DANTRI = SiteProfile(
    name="dantri", domains=("dantri.com.vn",), **_VN,
    feeds=("https://dantri.com.vn/rss/tin-moi-nhat.rss",),
    article_url=r"^https://dantri\.com\.vn/[a-z0-9-]+/[a-z0-9-]+-\d{17}\.htm$",
    title_xpath="//h1[contains(@class,'title-page') or contains(@class,'e-magazine__title')]",
    date_xpath="//time[contains(@class,'author-time')]/@datetime",
    author_xpath="//*[contains(@class,'author-name')]",
    prune_xpaths=("//*[contains(@class,'gui-check-parent')]", "//*[contains(@class,'ad-container')]"),
    lead_prefix=r"^\(Dân trí\)\s*-\s*",
)
VIETNAMNET = SiteProfile(
    name="vietnamnet", domains=("vietnamnet.vn",), **_VN,
    article_url=r"^https://vietnamnet\.vn/[a-z0-9-]+-\d{7}\.html$",
    title_xpath="//h1[contains(@class,'content-detail-title')]",
    date_xpath="//*[contains(@class,'bread-crumb-detail__time')]",
    author_xpath="//span[@class='name']",
)
ZNEWS = SiteProfile(
    name="znews", domains=("znews.vn", "zingnews.vn"), **_VN,
    article_url=r"^https://znews\.vn/[a-z0-9-]+-post\d+\.html$",
    date_xpath="//*[contains(@class,'the-article-publish')]",
    author_xpath="//*[contains(@class,'the-article-author')]",
    prune_xpaths=("//*[contains(@class,'inner-article')]",),
)
NLD = SiteProfile(
    name="nld", domains=("nld.com.vn",), **_VN,
    feeds=("https://nld.com.vn/tin-moi-nhat.rss",),
    article_url=r"^https://nld\.com\.vn/[a-z0-9-]+-\d{17,18}\.htm$",
    date_xpath="//*[@data-role='publishdate']",
    author_xpath="//*[@data-role='author']",
    prune_xpaths=_VC_PRUNE,
    lead_prefix=r"^\(NLĐO\)\s*-\s*",
)
LAODONG = SiteProfile(
    name="laodong", domains=("laodong.vn",), **_VN,
    feeds=("https://laodong.vn/rss/home.rss",),
    article_url=r"^https://laodong\.vn/[a-z0-9-]+/[a-z0-9-]+-\d+\.ldo$",
    date_xpath="//span[contains(@class,'time')]",
)
TIENPHONG = SiteProfile(
    name="tienphong", domains=("tienphong.vn",), **_VN,
    article_url=r"^https://tienphong\.vn/[a-z0-9-]+-post\d+\.tpo$",
    prune_xpaths=_CMS_PRUNE,
)
VOV = SiteProfile(
    name="vov", domains=("vov.vn",), **_VN,
    date_xpath="//*[contains(@class,'article-date')]//*[contains(@class,'col-md-4')]",
    lead_prefix=r"^VOV\.VN\s*-\s*",
)
BAOCHINHPHU = SiteProfile(
    name="baochinhphu", domains=("baochinhphu.vn",), **_VN,
    article_url=r"^https://baochinhphu\.vn/[a-z0-9-]+-\d{15,}\.htm$",
    date_xpath="//*[@data-role='publishdate']",
    prune_xpaths=(*_VC_PRUNE, "//*[contains(@class,'button-dowload-img')]"),
    lead_prefix=r"^\(Chinhphu\.vn\)\s*-\s*",
)

PROFILES = (
    VNEXPRESS, TUOITRE, THANHNIEN, VIETNAMPLUS, DANTRI, VIETNAMNET,
    ZNEWS, NLD, LAODONG, TIENPHONG, VOV, BAOCHINHPHU,
)
