"""Public Telegram channels through their web preview, `https://t.me/s/<channel>`.

The preview page is what snscrape's Telegram module reads: one `div.tgme_widget_message` per
post with `data-post="<channel>/<id>"`, the text in `.tgme_widget_message_text`, the time in
the footer's `a.tgme_widget_message_date time[datetime]`; older posts come from
`?before=<id>` (the page's `a.tme_messages_more[data-before]`). Each post is one item, stored
under its permalink `https://t.me/<channel>/<id>`; ids only grow, so a run reads pages until it
meets a post it already has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from types import MappingProxyType
from urllib.parse import urlsplit

from parsel import Selector

from extraction.dates import to_utc_iso
from sites import urls
from sites.adapter import Adapter

POST = "div.tgme_widget_message[data-post]"
TEXT = ".tgme_widget_message_text"
PERMALINK = re.compile(r"^/(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>\d+)/?$")
TITLE_CHARS = 140  # a post has no headline: its first line, cut here, stands in for one


@dataclass(frozen=True)
class Post:
    """One channel post as the preview shows it."""

    channel: str
    number: int
    html: str  # the post's own element (text, media captions, footer)
    text: str
    published: str | None
    author: str

    @property
    def title(self) -> str:
        first = next((line.strip() for line in self.text.splitlines() if line.strip()), "")
        return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS - 1].rstrip() + "…"


def preview_path(channel: str, before: int | None = None) -> str:
    """`/s/<channel>`, or the page of posts older than `before`."""
    return f"/s/{channel}" + (f"?before={before}" if before else "")


def permalink(base_url: str, channel: str, number: int) -> str:
    """`<base>/<channel>/<id>`: `https://t.me/<channel>/<id>` on the real host."""
    return urls.absolute(base_url, f"/{channel}/{number}")


def _text(node: Selector) -> str:
    parts = node.xpath(".//text()[not(ancestor::script)] | .//br").getall()
    text = "".join("\n" if part.startswith("<br") else part for part in parts)
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def parse_preview(html: str, channel: str) -> list[Post]:
    """The posts of a preview page that belong to `channel`, oldest first (page order)."""
    posts = []
    for node in Selector(text=html).css(POST):
        owner, _, number = (node.attrib.get("data-post") or "").partition("/")
        if owner.lower() != channel.lower() or not number.isdigit():
            continue  # a forwarded post keeps its origin in the footer, not in data-post
        text_node = node.css(TEXT)
        posts.append(Post(
            channel=owner, number=int(number), html=node.get(),
            text=_text(text_node[0]) if text_node else "",
            published=to_utc_iso(node.css(".tgme_widget_message_date time::attr(datetime)").get()
                                 or node.css("time::attr(datetime)").get()),
            author=" ".join(node.css(".tgme_widget_message_owner_name ::text").getall()).strip(),
        ))
    return posts


def post_page(post: Post, lang: str = "") -> bytes:
    """The post as a page of its own: what the extract stage and the evidence keep."""
    lang_attr = f' lang="{escape(lang)}"' if lang else ""
    return (f"<!DOCTYPE html><html{lang_attr}><head><meta charset=\"utf-8\">"
            f"<title>{escape(post.title)}</title></head><body>{post.html}</body></html>"
            ).encode()


class TelegramAdapter(Adapter):
    name = "telegram"
    required = ("channel",)
    defaults = MappingProxyType({"body_selector": TEXT})

    def is_article(self, url: str) -> bool:
        return bool(PERMALINK.match(urlsplit(url).path))

    def article_key(self, url: str) -> str:
        match = PERMALINK.match(urlsplit(url).path)
        if not match:
            return super().article_key(url)
        return f"tg:{match.group('channel').lower()}:{match.group('id')}"
