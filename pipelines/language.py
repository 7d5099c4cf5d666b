"""Language stage: langdetect plus newsmon's Kazakh detection (langdetect has no Kazakh)."""

from __future__ import annotations

from classifiers.language import detect_language
from crawler.items import ArticleItem


class LanguagePipeline:
    """Sets `item.lang` (ISO 639-1) from the title and text."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.lang = detect_language(f"{item.title}\n{item.text}")
        return item
