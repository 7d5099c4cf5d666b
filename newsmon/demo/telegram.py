"""A public Telegram channel's web preview, `https://t.me/s/<channel>`, as t.me serves it.

Evidence: snscrape's Telegram module and public scrapers of the preview (docs/sources.md):
posts in page order oldest to newest, each `div.tgme_widget_message_wrap > div.tgme_widget_message
[data-post="<channel>/<id>"]` with `.tgme_widget_message_owner_name`, the text in
`.tgme_widget_message_text` (line breaks as `<br/>`), a footer `a.tgme_widget_message_date
[href="https://t.me/<channel>/<id>"] > time[datetime]`; older posts at `?before=<id>`, linked by
`a.tme_messages_more[data-before]`; posts with only a photo have no text element; `/<channel>`
is the channel's card, not the preview.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from html import escape
from typing import Any

from newsmon.demo.render import Site, when
from newsmon.demo.siteserver import Page, html

PAGE_SIZE = 20


def _post(channel: str, title: str, record: Mapping[str, Any], base_url: str) -> str:
    number, stamp = record["id"], when(record)
    if record.get("paragraphs"):
        lines = "<br/>".join(escape(p) for p in [record["title"], *record["paragraphs"]])
        body = f'<div class="tgme_widget_message_text js-message_text" dir="auto">{lines}</div>'
    else:  # a photo post: no text element at all
        body = ('<a class="tgme_widget_message_photo_wrap" href="'
                f"https://t.me/{channel}/{number}\" style=\"background-image:url('x.jpg')\"></a>")
    return (f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class='
            f'"tgme_widget_message text_not_supported_wrap js-widget_message" data-post='
            f'"{channel}/{number}" data-view="x"><div class="tgme_widget_message_bubble">'
            f'<div class="tgme_widget_message_author accent_color"><a class="'
            f'tgme_widget_message_owner_name" href="{base_url}/{channel}"><span dir="auto">'
            f"{escape(title)}</span></a></div>{body}<div class=\"tgme_widget_message_footer "
            f'compact js-message_footer"><div class="tgme_widget_message_info short '
            f'js-message_info"><span class="tgme_widget_message_views">1.2K</span><span class='
            f'"tgme_widget_message_meta"><a class="tgme_widget_message_date" href="'
            f'{base_url}/{channel}/{number}"><time datetime="{stamp.isoformat()}" class="time">'
            f"{stamp:%H:%M}</time></a></span></div></div></div></div></div>")


def _preview(channel: str, title: str, posts: Sequence[Mapping[str, Any]], base_url: str,
             query: dict[str, list[str]]) -> Page:
    before = (query.get("before") or [""])[0]
    older = [p for p in posts if not before.isdigit() or p["id"] < int(before)]
    page = older[-PAGE_SIZE:]
    more = (f'<a class="tme_messages_more js-messages_more" data-before="{page[0]["id"]}" '
            f'href="/s/{channel}?before={page[0]["id"]}"></a>' if len(older) > len(page) else "")
    items = "".join(_post(channel, title, p, base_url) for p in page)
    return html(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)} – '
                f'Telegram</title></head><body class="widget_frame_base tgme_webpreview"><main '
                f'class="tgme_main"><div class="tgme_channel_info"><div class="tgme_channel_'
                f'info_header_title"><span dir="auto">{escape(title)}</span></div></div><section '
                f'class="tgme_channel_history js-message_history">{more}{items}</section></main>'
                "</body></html>")


def telegram_site(channel: str, posts: Sequence[Mapping[str, Any]], base_url: str, *,
                  title: str = "Channel") -> Site:
    """`/s/<channel>` (and `?before=`) over `posts` (records with an integer `id`)."""
    base_url, site = base_url.rstrip("/"), Site()
    ordered = sorted(posts, key=lambda p: p["id"])
    site[f"/s/{channel}"] = partial(_preview, channel, title, ordered, base_url)
    site[f"/{channel}"] = html(f"<html><body><div class=\"tgme_page\">{escape(title)}</div>"
                               "</body></html>")
    site.sections = [f"/s/{channel}"]
    return site
