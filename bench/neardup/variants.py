"""Text variants for the near-duplicate set: an article as another site republishes it, as
its later versions read, and short press items sharing a long "About" paragraph.
See build_set.py for how they are labelled.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

EN_SITES: list[dict[str, Any]] = [
    {
        "site": "wire-mirror.example",
        "lead": "({credit}) — ",
        "head": [],
        "foot": [
            "© 2019 {credit}. All rights reserved. "
            "This material may not be published, broadcast, rewritten or redistributed."
        ],
    },
    {
        "site": "daily-aggregator.example",
        "lead": "",
        "head": ["This story originally appeared on {credit}."],
        "foot": [
            "Read more:",
            "{related}",
            "{related}",
            "Follow us on Twitter and Facebook for the latest news.",
        ],
    },
    {
        "site": "metro-herald.example",
        "lead": "",
        "head": ["Advertisement"],
        "foot": [
            "Sign up for our morning newsletter to get the day's top stories in your inbox.",
            "Related: {related}",
            "Copyright 2019 Metro Herald. Reporting by {credit} staff; editing by the Metro desk.",
        ],
    },
    {
        "site": "company-news.example",
        "lead": "",
        "head": [],
        "foot": ["Source: {credit}", "Share this article"],
    },
]
VI_SITES: list[dict[str, Any]] = [
    {"site": "tinlienquan.example.vn", "lead": "({credit}) - ", "head": [], "foot": ["Theo {credit}"]},
    {
        "site": "congty-tintuc.example.vn",
        "lead": "",
        "head": ["Tin tức - Sự kiện"],
        "foot": ["Tin liên quan:", "{related}", "{related}", "Chia sẻ bài viết"],
    },
    {
        "site": "baomoi-mirror.example.vn",
        "lead": "",
        "head": [],
        "foot": ["Đọc thêm: {related}", "Nguồn: {credit}", "Bình luận (0)"],
    },
]
UPDATE_LINES = {
    "en": [
        "Update: This story has been updated with comments from officials and new figures released on {day}.",
        "Editor's note: An earlier version of this article misstated a figure. It has been corrected.",
        "This is a developing story and will be updated as more information becomes available.",
    ],
    "vi": [
        "Cập nhật: Bài viết đã được bổ sung thông tin mới nhất từ cơ quan chức năng ngày {day}.",
        "Ghi chú: Một số số liệu trong bài đã được điều chỉnh theo thông tin chính thức.",
        "Tin đang được cập nhật.",
    ],
}
EDIT_WORDS = {
    "en": ["officials said", "on Tuesday", "according to a statement", "reportedly"],
    "vi": ["theo thông tin ban đầu", "hôm qua", "cho biết thêm", "theo cơ quan chức năng"],
}
BRIEF_SITES = 3  # press sites; each takes 8 AEB articles out of the main set for its briefs


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", paragraph) if s]


def typography(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    if rng.random() < 0.5:
        text = text.replace(" — ", " - ").replace("—", "--")
    return text


def syndicate(src: dict[str, Any], site: dict[str, Any], related: list[str], rng: random.Random) -> str:
    paras = list(src["paragraphs"])
    if len(paras) > 4 and rng.random() < 0.5:  # trimmed end: editors cut the last paragraphs
        paras = paras[: max(3, round(len(paras) * rng.uniform(0.75, 0.95)))]
    if len(paras) > 5 and rng.random() < 0.3:  # a dropped paragraph (an embed, a quote box)
        del paras[rng.randrange(1, len(paras) - 1)]
    if len(paras) > 3 and rng.random() < 0.4:  # two paragraphs merged
        k = rng.randrange(len(paras) - 1)
        paras[k : k + 2] = [paras[k] + " " + paras[k + 1]]
    if paras and rng.random() < 0.3:  # a paragraph split at a sentence
        k = rng.randrange(len(paras))
        parts = sentences(paras[k])
        if len(parts) > 1:
            cut = rng.randrange(1, len(parts))
            paras[k : k + 1] = [" ".join(parts[:cut]), " ".join(parts[cut:])]
    fill = {"credit": src["credit"]}
    if paras and site["lead"]:
        paras[0] = site["lead"].format(**fill) + paras[0]
    head = [line.format(related=rng.choice(related), **fill) for line in site["head"]]
    foot = [line.format(related=rng.choice(related), **fill) for line in site["foot"]]
    return typography("\n".join(head + paras + foot), rng)


def update(paras: list[str], lang: str, rng: random.Random) -> list[str]:
    paras = list(paras)
    edits = max(1, round(len(paras) * rng.uniform(0.05, 0.2)))
    for _ in range(edits):
        k = rng.randrange(len(paras))
        action = rng.choice(["numbers", "insert", "cut", "numbers"])
        if action == "numbers" and re.search(r"\d", paras[k]):
            paras[k] = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), paras[k], count=2)
        elif action == "insert":
            words = paras[k].split()
            pos = rng.randrange(len(words) + 1)
            paras[k] = " ".join([*words[:pos], rng.choice(EDIT_WORDS[lang]), *words[pos:]])
        else:
            parts = sentences(paras[k])
            if len(parts) > 1:
                del parts[rng.randrange(len(parts))]
                paras[k] = " ".join(parts)
    if rng.random() < 0.6:
        note = rng.choice(UPDATE_LINES[lang]).format(day=rng.choice(["Monday", "Tuesday", "27/12"]))
        paras.insert(0 if rng.random() < 0.5 else len(paras), note)
    if len(paras) > 6 and rng.random() < 0.3:
        del paras[rng.randrange(1, len(paras) - 1)]
    return paras


def briefs(reserved: list[dict[str, Any]], rng: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """Short items of press sites that end with the same long "About" paragraph (taken from a
    real article): different items of one site share 50-100 words. Yields (cluster, kind, site, text)."""
    abouts = [p for src in reserved[:BRIEF_SITES] for p in src["paragraphs"] if 50 <= len(p.split()) <= 100][
        :BRIEF_SITES
    ]
    for number, about in enumerate(abouts):
        site = f"press{number}.example"
        for src in reserved[BRIEF_SITES + number * 8 : BRIEF_SITES + (number + 1) * 8]:
            lead, words = [], 0
            for paragraph in src["paragraphs"]:
                if words >= 60:
                    break
                lead.append(paragraph)
                words += len(paragraph.split())
            cluster = f"brief:{src['source']}"
            yield cluster, "brief", site, "\n".join([*lead, "About the publisher", about])
            # the same item on an aggregator: its own boilerplate instead of the About paragraph
            yield (
                cluster,
                "syndicated_brief",
                "daily-aggregator.example",
                "\n".join([f"This story originally appeared on {site}.", *lead, "Share this article"]),
            )
