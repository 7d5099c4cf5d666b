"""Classification stage: topics with evidence, Criminal Code articles, places, persons."""

from __future__ import annotations

from classifiers import classify
from crawler.items import ArticleItem


class ClassifyPipeline:
    """Sets `item.classification` to the `classify()` contract (see ARCHITECTURE.md)."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        result = classify(item.title, item.text, item.lang)
        # An outlet that reports on Kazakhstan makes its stories relevant whatever they name.
        result["kz_relevant"] = bool(result.get("kz_relevant")) or item.country == "KZ"
        item.classification = result
        return item
