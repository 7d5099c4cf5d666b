"""Pure extraction (ground floor, no Scrapy): bytes -> text, page metadata, dates."""

from extraction.article import (
    Article,
    NoArticle,
    content_hash,
    extract_article,
    extract_text,
    page_text,
)
from extraction.dates import to_utc_iso
from extraction.decode import decode_html

__all__ = ["Article", "NoArticle", "content_hash", "decode_html", "extract_article",
           "extract_text", "page_text", "to_utc_iso"]
