"""Extraction stage: trafilatura turns an article page into text, title, date and authors."""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

import lxml.html
import trafilatura
from lxml.etree import ParserError, SubElement
from parsel import Selector

from crawler.items import ArticleItem
from pipelines.charset import codec_name, decode_html
from pipelines.dates import normalize_date
from pipelines.errors import ItemRejected

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 80  # shorter than a lead paragraph: a stub, a gallery or an error page
#: C0/C1 control characters (not tab/newline/CR) and DEL: invalid in XML, so trafilatura drops a
#: page holding one; and escape sequences that would drive a terminal showing the title.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


BINARY_SHARE = 0.10  # more control or undecodable characters than this: not a text page
SAMPLE_CHARS = 64 * 1024


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
    except Exception:  # a bad selector in sources.toml must not stop the crawl
        logger.warning("invalid body selector %r", selector)
        return tree
    if not matches:
        return tree
    head = tree.find("head")
    page = lxml.html.Element("html")
    if head is not None:
        page.append(head)
    body = SubElement(page, "body")
    article = SubElement(body, "article")
    for match in matches[:1]:
        article.append(match)
    return page


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None


def extract_article(
    html: str, url: str, body_selector: str = "", hints: dict[str, Any] | None = None,
    with_metadata: bool | None = None,
) -> dict[str, Any] | None:
    """Title, text, published (ISO), authors of the article in `html`; None if there is none.

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
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=with_metadata, include_comments=False, include_tables=True
    )
    text = (doc.text or "").strip() if doc is not None else ""
    if not text:
        return None
    authors = [strip_controls(a) for a in hints.get("authors") or _split_authors(doc.author)]
    return {
        "title": strip_controls(hints.get("title") or doc.title or "").strip(),
        "text": text,
        "published": normalize_date(hints.get("published")) or normalize_date(doc.date),
        "authors": authors,
    }


def _split_authors(value: str | None) -> list[str]:
    return [a.strip() for a in (value or "").split(";") if a.strip()]


def extract_text(html: str, url: str) -> str | None:
    """Text only: the signature `../shared/bench/extraction_score.py` scores."""
    result = extract_article(html, url, with_metadata=False)
    return result["text"] if result else None


def content_hash(title: str, text: str) -> str:
    """What "changed" means for an article: its title or text, whitespace-insensitive."""
    normal = " ".join(f"{title}\n{text}".split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


class ExtractPipeline:
    """Fills title/text/published/authors; a page with no article text is dropped with why."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        html = self.decode(item)
        if (share := non_text_share(html)) > BINARY_SHARE:
            raise ItemRejected("extract", f"binary content, not a text page ({share:.0%} "
                                          "control or undecodable characters)")
        result = extract_article(html, item.fetched_url or item.url, item.body_selector, item.hints)
        if result is None:
            raise ItemRejected("extract", "no article text found in the page")
        if len(result["text"]) < MIN_TEXT_CHARS:
            raise ItemRejected("extract", f"article text too short ({len(result['text'])} chars)")
        item.title = result["title"]
        item.text = result["text"]
        item.published = result["published"]
        item.authors = result["authors"]
        item.content_hash = content_hash(item.title, item.text)
        return item

    @staticmethod
    def decode(item: ArticleItem) -> str:
        """The page as text; when Scrapy's charset was wrong, the page's hints are re-read."""
        content_type = next((v for k, v in item.headers.items()
                             if k.lower() == "content-type"), "")
        html, encoding = decode_html(item.body, content_type, item.encoding or "utf-8")
        if encoding != codec_name(item.encoding):
            # Title, date and authors the spider read from the mis-decoded page are mojibake.
            from spiders import pangea, wordpress
            from spiders.hints import page_hints

            selectors = {"pangea": pangea.TITLE_SELECTORS,
                         "wordpress": wordpress.TITLE_SELECTORS}.get(item.adapter, ())
            repaired = page_hints(Selector(text=html), selectors)
            repaired.pop("canonical", None)
            item.hints = {**item.hints, **repaired}
            item.encoding = encoding
        return html
