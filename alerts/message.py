"""Build a digest email from data: pure functions, no database and no network.

Crawled text is hostile input: it is HTML-escaped in the HTML part, collapsed to one line
wherever a line break would change the layout, and never placed in a header.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from alerts.labels import label, short_date

CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class DigestItem:
    """One flagged article as a digest lists it; `group` is the topic it is listed under."""

    id: int
    title: str
    url: str
    source: str
    lang: str
    published: str
    topics: tuple[str, ...]
    group: str
    snippet: str
    item_link: str | None


@dataclass(frozen=True)
class Digest:
    """Everything one message says: to whom, in which language, which items, when."""

    recipient: str
    name: str
    label_language: str
    origin: str  # subscriptions file path, or "table"
    items: tuple[DigestItem, ...]
    when: datetime  # local time, for the subject's date


def one_line(text: str) -> str:
    """Text safe for a header or a one-line field: no CR, LF or other control characters."""
    return SPACE_RE.sub(" ", CONTROL_RE.sub(" ", text or "")).strip()


def message_id(recipient: str, item_ids: Sequence[int], domain: str) -> str:
    """Same recipient and items, same Message-ID: a resend after a crash is recognisable."""
    key = f"{recipient.lower()}|{','.join(str(i) for i in sorted(item_ids))}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<newsmon-digest-{digest}@{one_line(domain) or 'newsmon.invalid'}>"


def group_items(items: Sequence[DigestItem], topic_order: Sequence[str]
                ) -> list[tuple[str, list[DigestItem]]]:
    """Items by topic (in `topic_order`), newest first within each group."""
    groups = []
    for topic in topic_order:
        members = [item for item in items if item.group == topic]
        members.sort(key=lambda item: (item.published, item.id), reverse=True)
        if members:
            groups.append((topic, members))
    return groups


def subject(digest: Digest, groups: list[tuple[str, list[DigestItem]]]) -> str:
    """"newsmon: 3 torture, 5 detention — 21 Nov", in the label language."""
    lang = digest.label_language
    counts = ", ".join(
        label(lang, "count").format(n=len(members), label=label(lang, topic))
        for topic, members in groups
    )
    return one_line(f"newsmon: {counts} — {short_date(lang, digest.when)}")


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _meta_fields(item: DigestItem, lang: str) -> list[tuple[str, str]]:
    topics = ", ".join(label(lang, t) for t in item.topics)
    return [(label(lang, "source"), item.source),
            (label(lang, "date"), item.published[:16].replace("T", " ")),
            (label(lang, "language"), item.lang), (label(lang, "topics"), topics)]


def _footer(digest: Digest, unsubscribe: str) -> list[str]:
    lang = digest.label_language
    where = "footer_table" if digest.origin == "table" else "footer_file"
    # The file's name, not its path: recipients need not learn the server's layout.
    origin = os.path.basename(digest.origin)
    return [label(lang, where).format(email=digest.recipient, origin=origin),
            label(lang, "footer_stop").format(unsubscribe=unsubscribe)]


def render_text(digest: Digest, groups: list[tuple[str, list[DigestItem]]],
                unsubscribe: str) -> str:
    """The plain-text part."""
    lang = digest.label_language
    lines = [label(lang, "heading").format(name=one_line(digest.name), n=len(digest.items)), ""]
    for topic, members in groups:
        lines += [f"== {label(lang, topic)} ({len(members)}) ==", ""]
        for item in members:
            lines.append(f"* {one_line(item.title)}")
            lines.append("  " + " | ".join(f"{k}: {one_line(v)}"
                                           for k, v in _meta_fields(item, lang)))
            if item.snippet:
                lines.append(f"  «{one_line(item.snippet)}»")
            lines.append(f"  {label(lang, 'original')}: {one_line(item.url)}")
            if item.item_link:
                lines.append(f"  {label(lang, 'in_newsmon')}: {item.item_link}")
            lines.append("")
    lines += ["-- ", *_footer(digest, unsubscribe)]
    return "\n".join(lines) + "\n"


def _link(url: str, text: str) -> str:
    if not _is_web_url(url):
        return html.escape(text)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def _html_item(item: DigestItem, lang: str) -> str:
    meta = " · ".join(f"{html.escape(k)}: {html.escape(one_line(v))}"
                      for k, v in _meta_fields(item, lang))
    parts = [f"<li><strong>{_link(item.url, one_line(item.title) or item.url)}</strong>",
             f'<div style="color:#555">{meta}</div>']
    if item.snippet:
        parts.append(f"<blockquote>{html.escape(one_line(item.snippet))}</blockquote>")
    links = [_link(item.url, label(lang, "original"))]
    if item.item_link:
        links.append(_link(item.item_link, label(lang, "in_newsmon")))
    parts.append(f"<div>{' | '.join(links)}</div></li>")
    return "\n".join(parts)


def render_html(digest: Digest, groups: list[tuple[str, list[DigestItem]]],
                unsubscribe: str) -> str:
    """The HTML part: every crawled string escaped, only http(s) links."""
    lang = digest.label_language
    heading = label(lang, "heading").format(name=digest.name, n=len(digest.items))
    body = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(heading)}</title></head><body>",
            f"<h1>{html.escape(heading)}</h1>"]
    for topic, members in groups:
        body.append(f"<h2>{html.escape(label(lang, topic))} ({len(members)})</h2><ul>")
        body += [_html_item(item, lang) for item in members]
        body.append("</ul>")
    footer = "<br>".join(html.escape(line) for line in _footer(digest, unsubscribe))
    body.append(f'<hr><p style="color:#777;font-size:small">{footer}</p></body></html>')
    return "\n".join(body) + "\n"


def build_message(digest: Digest, sender: str, topic_order: Sequence[str]) -> EmailMessage:
    """The multipart (text + HTML) message for `digest`, From `sender`."""
    sender_name, sender_addr = parseaddr(one_line(sender))
    domain = sender_addr.rpartition("@")[2]
    groups = group_items(digest.items, topic_order)
    unsubscribe = f"mailto:{sender_addr}?subject=unsubscribe"
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = subject(digest, groups)
    msg["From"] = Address(one_line(sender_name), addr_spec=sender_addr)
    msg["To"] = Address(one_line(digest.name), addr_spec=one_line(digest.recipient))
    msg["Date"] = format_datetime(digest.when)
    msg["Message-ID"] = message_id(digest.recipient, [i.id for i in digest.items], domain)
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(render_text(digest, groups, sender_addr))
    msg.add_alternative(render_html(digest, groups, sender_addr), subtype="html")
    return msg
