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
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from alerts.contents import Digest, DigestItem, DigestNotice
from alerts.labels import label, local_time, short_date
from alerts.story_digest import Groups, StoryEntry, group_items, story_label, updates

CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
SPACE_RE = re.compile(r"\s+")
#: Re-check outcomes a digest reports, in the order it lists them.
NOTICE_KINDS = ("removed", "edited")


def one_line(text: str) -> str:
    """Text safe for a header or a one-line field: no CR, LF or other control characters."""
    return SPACE_RE.sub(" ", CONTROL_RE.sub(" ", text or "")).strip()


def message_id(recipient: str, item_ids: Sequence[int], domain: str,
               recheck_ids: Sequence[int] = ()) -> str:
    """Same recipient, items and notices, same Message-ID: a resend after a crash is recognisable.
    """
    key = f"{recipient.lower()}|{','.join(str(i) for i in sorted(item_ids))}"
    if recheck_ids:  # digests without notices keep the Message-IDs they always had
        key += f"|notices:{','.join(str(i) for i in sorted(recheck_ids))}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<newsmon-digest-{digest}@{one_line(domain) or 'newsmon.invalid'}>"


def subject(digest: Digest, groups: Groups) -> str:
    """"newsmon: 3 torture, 5 detention, 1 removed — 21 Nov", in the label language."""
    lang = digest.label_language
    counted = [(topic, len(members)) for topic, members in groups]
    counted += [(kind, n) for kind in NOTICE_KINDS
                if (n := sum(1 for x in digest.notices if x.kind == kind))]
    counts = [label(lang, "count").format(n=n, label=label(lang, key)) for key, n in counted]
    if n_updates := len(updates(digest.items)):
        counts.append(story_label(lang, "updates_count").format(n=n_updates))
    return one_line(f"newsmon: {', '.join(counts)} — {short_date(lang, digest.when)}")


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _meta_fields(item: DigestItem, digest: Digest) -> list[tuple[str, str]]:
    lang = digest.label_language
    topics = ", ".join(label(lang, t) for t in item.topics)
    return [(label(lang, "source"), item.source),
            (label(lang, "date"), _local_time(item.published, digest)),
            (label(lang, "language"), item.lang), (label(lang, "topics"), topics)]


def _footer(digest: Digest, unsubscribe: str) -> list[str]:
    lang = digest.label_language
    where = "footer_table" if digest.origin == "table" else "footer_file"
    # The file's name, not its path: recipients need not learn the server's layout.
    origin = os.path.basename(digest.origin)
    return [label(lang, where).format(email=digest.recipient, origin=origin),
            label(lang, "footer_stop").format(unsubscribe=unsubscribe)]


def _heading(digest: Digest, name: str) -> str:
    key = "heading" if digest.items or not digest.notices else "heading_notices"
    return label(digest.label_language, key).format(name=name, n=len(digest.items))


def ordered_notices(notices: Sequence[DigestNotice]) -> list[DigestNotice]:
    """Removed before edited, the latest re-check first within each kind."""
    newest = sorted(notices, key=lambda n: (n.checked_at, n.recheck_id), reverse=True)
    return sorted(newest, key=lambda n: NOTICE_KINDS.index(n.kind))


def _local_time(stamp: str, digest: Digest) -> str:
    """A stored time in the digest's zone and language ("22 нояб. 2024, 15:00 (время
    Алматы, UTC+5)"); raw when unparsable, and without a zone when the time has none."""
    try:
        moment = datetime.fromisoformat((stamp or "").replace("Z", "+00:00"))
    except ValueError:
        return one_line(stamp)
    if moment.tzinfo is None or digest.when.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return local_time(digest.label_language, moment, digest.when)


def _notice_fields(notice: DigestNotice, digest: Digest) -> list[tuple[str, str]]:
    lang = digest.label_language
    return [(label(lang, "source"), notice.source),
            (label(lang, "rechecked"), _local_time(notice.checked_at, digest)),
            (label(lang, "outcome"), f"{label(lang, notice.kind)}: {notice.detail}")]


def _notices_text(digest: Digest) -> list[str]:
    """The "Removed or edited since flagged" section of the plain-text part."""
    if not digest.notices:
        return []
    lang = digest.label_language
    lines = [f"== {label(lang, 'notices')} ({len(digest.notices)}) ==", ""]
    for notice in ordered_notices(digest.notices):
        lines.append(f"* [{label(lang, notice.kind)}] {one_line(notice.title)}")
        lines.append("  " + " | ".join(f"{k}: {one_line(v)}"
                                       for k, v in _notice_fields(notice, digest)))
        lines.append(f"  {label(lang, 'original')}: {one_line(notice.url)}")
        if notice.item_link:
            lines.append(f"  {label(lang, 'in_newsmon')}: {notice.item_link}")
        lines.append("")
    return lines


def _item_text(item: DigestItem, digest: Digest, indent: str = "  ") -> list[str]:
    lang = digest.label_language
    lines = [indent + " | ".join(f"{k}: {one_line(v)}" for k, v in _meta_fields(item, digest))]
    if item.snippet:
        lines.append(f"{indent}«{one_line(item.snippet)}»")
    lines.append(f"{indent}{label(lang, 'original')}: {one_line(item.url)}")
    if item.item_link:
        lines.append(f"{indent}{label(lang, 'in_newsmon')}: {item.item_link}")
    return lines


def _entry_text(entry: StoryEntry, digest: Digest) -> list[str]:
    """A story: its first report in full, then one line and links for each other report."""
    lang = digest.label_language
    lead = entry.lead
    if entry.update:
        title = story_label(lang, "update_of").format(title=one_line(lead.story_title))
        return [f"* [{story_label(lang, 'update')}] {title}",
                f"  {one_line(lead.title)}", *_item_text(lead, digest), ""]
    lines = [f"* {one_line(lead.title)}", *_item_text(lead, digest)]
    if len(entry.items) > 1:
        lines.append(f"  {entry.summary(lang)}:")
        for item in entry.items[1:]:
            lines.append(f"  - {one_line(item.source)} ({item.lang}): {one_line(item.title)}")
            lines.append(f"    {label(lang, 'original')}: {one_line(item.url)}")
            if item.item_link:
                lines.append(f"    {label(lang, 'in_newsmon')}: {item.item_link}")
    return [*lines, ""]


def render_text(digest: Digest, groups: Groups, unsubscribe: str) -> str:
    """The plain-text part."""
    lang = digest.label_language
    lines = [_heading(digest, one_line(digest.name)), ""]
    for topic, entries in groups:
        lines += [f"== {label(lang, topic)} ({len(entries)}) ==", ""]
        for entry in entries:
            lines += _entry_text(entry, digest)
    if news := updates(digest.items):
        lines += [f"== {story_label(lang, 'updates')} ({len(news)}) ==", ""]
        for entry in news:
            lines += _entry_text(entry, digest)
    lines += _notices_text(digest)
    lines += ["-- ", *_footer(digest, unsubscribe)]
    return "\n".join(lines) + "\n"


def _link(url: str, text: str) -> str:
    if not _is_web_url(url):
        return html.escape(text)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def _links_html(item: DigestItem, lang: str) -> str:
    links = [_link(item.url, label(lang, "original"))]
    if item.item_link:
        links.append(_link(item.item_link, label(lang, "in_newsmon")))
    return " | ".join(links)


def _html_item(entry: StoryEntry, digest: Digest) -> str:
    """A story as a list item: its first report in full, the other reports with their links."""
    lang = digest.label_language
    item = entry.lead
    meta = " · ".join(f"{html.escape(k)}: {html.escape(one_line(v))}"
                      for k, v in _meta_fields(item, digest))
    title = f"<strong>{_link(item.url, one_line(item.title) or item.url)}</strong>"
    if entry.update:
        about = story_label(lang, "update_of").format(title=one_line(item.story_title))
        title = f"[{html.escape(story_label(lang, 'update'))}] {html.escape(about)}<br>{title}"
    parts = [f"<li>{title}", f'<div style="color:#555">{meta}</div>']
    if item.snippet:
        parts.append(f"<blockquote>{html.escape(one_line(item.snippet))}</blockquote>")
    parts.append(f"<div>{_links_html(item, lang)}</div>")
    if len(entry.items) > 1:
        others = "".join(
            f"<li>{html.escape(one_line(o.source))} ({html.escape(o.lang)}): "
            f"{html.escape(one_line(o.title))} — {_links_html(o, lang)}</li>"
            for o in entry.items[1:])
        parts.append(f"<div>{html.escape(entry.summary(lang))}:</div><ul>{others}</ul>")
    parts[-1] += "</li>"
    return "\n".join(parts)


def _notices_html(digest: Digest) -> list[str]:
    """The same section in the HTML part, every crawled string escaped."""
    if not digest.notices:
        return []
    lang = digest.label_language
    body = [f"<h2>{html.escape(label(lang, 'notices'))} ({len(digest.notices)})</h2><ul>"]
    for notice in ordered_notices(digest.notices):
        meta = " · ".join(f"{html.escape(k)}: {html.escape(one_line(v))}"
                          for k, v in _notice_fields(notice, digest))
        links = [_link(notice.url, label(lang, "original"))]
        if notice.item_link:
            links.append(_link(notice.item_link, label(lang, "in_newsmon")))
        title = _link(notice.url, one_line(notice.title) or notice.url)
        body.append(f"<li><strong>[{html.escape(label(lang, notice.kind))}] {title}</strong>\n"
                    f'<div style="color:#555">{meta}</div>\n<div>{" | ".join(links)}</div></li>')
    body.append("</ul>")
    return body


def render_html(digest: Digest, groups: Groups, unsubscribe: str) -> str:
    """The HTML part: every crawled string escaped, only http(s) links."""
    lang = digest.label_language
    heading = _heading(digest, digest.name)
    body = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(heading)}</title></head><body>",
            f"<h1>{html.escape(heading)}</h1>"]
    for topic, entries in groups:
        body.append(f"<h2>{html.escape(label(lang, topic))} ({len(entries)})</h2><ul>")
        body += [_html_item(entry, digest) for entry in entries]
        body.append("</ul>")
    if news := updates(digest.items):
        body.append(f"<h2>{html.escape(story_label(lang, 'updates'))} ({len(news)})</h2><ul>")
        body += [_html_item(entry, digest) for entry in news]
        body.append("</ul>")
    body += _notices_html(digest)
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
    msg["Message-ID"] = message_id(digest.recipient, [i.id for i in digest.items], domain,
                                   [n.recheck_id for n in digest.notices])
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(render_text(digest, groups, sender_addr))
    msg.add_alternative(render_html(digest, groups, sender_addr), subtype="html")
    return msg
