"""Extraction stage: the page's bytes -> title, text, date and authors (`extraction.page_text`)."""

from __future__ import annotations

from crawler.items import ArticleItem
from extraction import NoArticle, content_hash, page_text
from pipelines.errors import ItemRejected


class ExtractPipeline:
    """Fills title/text/published/authors; a page with no article text is dropped with why."""

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
        return item
