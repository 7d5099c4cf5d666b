"""The one page -> text path: decode the bytes, narrow to the body, let trafilatura extract.

The crawl's extract stage and the evidence re-check both call `page_text`, with the same
body selector and the same charset decoding, so a page seen by either gives the same text
(an "edit" is never an artefact of two extractors).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

import lxml.html
import trafilatura
from lxml.etree import ParserError, SubElement

from extraction.dates import to_utc_iso
from extraction.decode import decode_html

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 80  # shorter than a lead paragraph: a stub, a gallery or an error page
#: What extraction sees at most. trafilatura's time grows with the square of the number of
#: elements (80,000 one-word paragraphs: 61 s, the crawl frozen meanwhile); 10,000 elements
#: take 1-2 s, and whole pages of the longest real articles have a few thousand. A page cut
#: to these bounds is stored with what was read, and the cut is recorded (`Article.cut`).
MAX_HTML_CHARS = 3_000_000
MAX_ELEMENTS = 10_000
#: C0/C1 control characters (not tab/newline/CR) and DEL: invalid in XML, so trafilatura drops a
#: page holding one; and escape sequences that would drive a terminal showing the title.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BINARY_SHARE = 0.10  # more control or undecodable characters than this: not a text page
SAMPLE_CHARS = 64 * 1024
#: Inside an article body, blocks that are never its text: Pangea's `.wsw__embed` (media,
#: captions and "related" links embedded in the body; the saved Pangea pages' gold text leaves
#: them out) and its `.media-block-wrap` widgets, WordPress's related-posts plugins.
NOT_TEXT = ".wsw__embed, .media-block-wrap, #ymla-section, .jp-relatedposts, .yarpp-related"


class NoArticle(ValueError):
    """The page holds no article text; the message says why (recorded, never silent)."""


@dataclass(frozen=True)
class Article:
    """What extraction gives: title, text, published (stored form) and authors."""

    title: str
    text: str
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    cut: str = ""  # what was left unread to keep extraction bounded ("" when nothing)


def non_text_share(text: str) -> float:
    """Share of control characters and U+FFFD (undecodable bytes) in the start of `text`."""
    sample = text[:SAMPLE_CHARS]
    if not sample:
        return 0.0
    bad = len(CONTROL_CHARS.findall(sample)) + sample.count("\ufffd")
    return bad / len(sample)


def strip_controls(text: str) -> str:
    """`text` without control characters (crawled text is shown in terminals and mail)."""
    return CONTROL_CHARS.sub("", text)


def _narrow_to_body(tree: lxml.html.HtmlElement, selector: str) -> lxml.html.HtmlElement:
    """The page reduced to <head> and the adapter's body element, if the selector matches.

    Site templates (Pangea's `#article-content .wsw`) name the body exactly; giving
    trafilatura only that keeps related-article blocks and claim boxes out of the text.
    """
    try:
        matches = tree.cssselect(selector)
    except Exception:  # noqa: BLE001 - a bad selector in sources.toml must not stop the crawl
        logger.warning("invalid body selector %r", selector)
        return tree
    if not matches:
        return tree
    for block in matches[0].cssselect(NOT_TEXT):
        block.drop_tree()
    head = tree.find("head")
    page = lxml.html.Element("html")
    if head is not None:
        page.append(head)
    body = SubElement(page, "body")
    article = SubElement(body, "article")
    article.append(matches[0])
    return page


def cap_elements(tree: lxml.html.HtmlElement, limit: int = MAX_ELEMENTS) -> int:
    """Drop every element after the first `limit` in document order; how many were there."""
    elements = list(tree.iter())
    for element in reversed(elements[limit:]):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return len(elements)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None


def _split_authors(value: str | None) -> list[str]:
    return [a.strip() for a in (value or "").split(";") if a.strip()]


def extract_article(
    html: str, url: str, body_selector: str = "", hints: dict[str, Any] | None = None,
    with_metadata: bool | None = None,
) -> Article | None:
    """The article in decoded `html`, or None if there is none.

    trafilatura's metadata pass costs as much as its text pass, so it runs only when the
    spider's hints (feed entry, JSON-LD) lack the title or date, unless asked for.
    """
    hints = hints or {}
    if with_metadata is None:
        with_metadata = not (hints.get("title") and hints.get("published"))
    tree = _parse(strip_controls(html))
    if tree is None:
        return None
    if body_selector:
        tree = _narrow_to_body(tree, body_selector)
    cut = ""
    if (count := cap_elements(tree)) > MAX_ELEMENTS:
        cut = f"only the first {MAX_ELEMENTS} of {count} HTML elements were read"
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=with_metadata, include_comments=False, include_tables=True
    )
    text = (doc.text or "").strip() if doc is not None else ""
    if not text:
        return None
    authors = [strip_controls(a) for a in hints.get("authors") or _split_authors(doc.author)]
    return Article(
        title=strip_controls(hints.get("title") or doc.title or "").strip(),
        text=text,
        published=to_utc_iso(hints.get("published")) or to_utc_iso(doc.date),
        authors=authors, cut=cut,
    )


def page_text(
    body: bytes, url: str, *, content_type: str = "", encoding: str | None = None,
    body_selector: str = "", hints: dict[str, Any] | None = None,
) -> Article:
    """Raw page bytes -> Article; NoArticle with the reason when the page holds none."""
    html, _ = decode_html(body, content_type, encoding or "utf-8")
    cut = ""
    if len(html) > MAX_HTML_CHARS:
        cut = f"only the first {MAX_HTML_CHARS} of {len(html)} characters were read"
        html = html[:MAX_HTML_CHARS]
    if (share := non_text_share(html)) > BINARY_SHARE:
        raise NoArticle(f"binary content, not a text page ({share:.0%} control or "
                        "undecodable characters)")
    article = extract_article(html, url, body_selector, hints)
    if article is None:
        raise NoArticle("no article text found in the page")
    if len(article.text) < MIN_TEXT_CHARS:
        raise NoArticle(f"article text too short ({len(article.text)} chars)")
    if cut:
        article = replace(article, cut="; ".join(filter(None, (cut, article.cut))))
    return article


def extract_text(html: str, url: str) -> str | None:
    """Text only: the signature `../shared/bench/extraction_score.py` scores."""
    article = extract_article(html, url, with_metadata=False)
    return article.text if article else None


def content_hash(title: str, text: str) -> str:
    """What "changed" means for an article: its title or text, whitespace-insensitive."""
    normal = " ".join(f"{title}\n{text}".split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
