"""Store stage: upsert the article into SQLite by canonical URL."""

from __future__ import annotations

from crawler.items import ArticleItem
from crawler.signals import fetch_failed
from pipelines.database_stage import DatabaseStage
from store.items import save_article


def item_row(item: ArticleItem) -> dict:
    """The `items` columns an ArticleItem fills (classification columns come separately)."""
    return {
        "url": item.url, "source": item.source, "title": item.title, "text": item.text,
        "lang": item.lang, "published": item.published, "authors": item.authors,
        "fetched_at": item.fetched_at, "fetched_url": item.fetched_url,
        "content_hash": item.content_hash,
    }


class StorePipeline(DatabaseStage):
    """Writes each item in its own transaction, so a killed crawl leaves nothing half-written."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        saved = save_article(self.db, item_row(item), item.classification)
        item.item_id, item.store_outcome, item.url = saved.item_id, saved.outcome, saved.url
        self.crawler.stats.inc_value(f"newsmon/items_{item.store_outcome}")
        if saved.conflict:  # a canonical link naming another stored article: both kept
            self.crawler.stats.inc_value("newsmon/url_conflicts")
            self.crawler.signals.send_catch_log(fetch_failed, url=item.fetched_url or item.url,
                                                stage="store", reason=saved.conflict)
        return item
