"""Extraction stage: the page's bytes -> title, text, date and authors (`extraction.page_text`)."""

from __future__ import annotations

from typing import Any

from crawler.items import ArticleItem
from crawler.signals import fetch_failed
from extraction import NoArticle, content_hash, page_text
from pipelines.errors import ItemRejected


class ExtractPipeline:
    """Fills title/text/published/authors; a page with no article text is dropped with why;
    a page too big to read whole in bounded time is stored as read, and the cut recorded."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            article = page_text(
                item.body, item.fetched_url or item.url, content_type=item.content_type,
                encoding=item.encoding, body_selector=item.body_selector, hints=item.hints)
        except NoArticle as exc:
            raise ItemRejected("extract", str(exc)) from None
        item.title = article.title
        item.text = article.text
        item.published = article.published
        item.authors = article.authors
        item.content_hash = content_hash(item.title, item.text)
        if article.cut and self.crawler is not None:
            self.crawler.stats.inc_value("newsmon/extract_cut")
            self.crawler.signals.send_catch_log(fetch_failed, url=item.url, stage="extract",
                                                reason=f"stored cut short: {article.cut}")
        return item
