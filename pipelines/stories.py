"""Story stage (after store): join each new or changed article to the story it belongs to."""

from __future__ import annotations

import logging
import sqlite3

from crawler.items import ArticleItem
from pipelines.database_stage import DatabaseStage
from store.retry import write
from stories import assign, catch_up
from stories.engine import make_features

logger = logging.getLogger(__name__)


class StoryPipeline(DatabaseStage):
    """Near-duplicates and same-event reports share `items.story_id` (see `stories/`).

    An unchanged re-crawl changes nothing; a changed text is re-indexed and may join more
    reports, but is never pulled out of its story automatically (only a monitor splits).
    """

    def open_spider(self) -> None:
        super().open_spider()
        # Items stored before stories existed, or by another writer: grouped once, here.
        catch_up(self.db)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.item_id is None or item.store_outcome not in ("new", "updated"):
            return item
        result = item.classification
        entities = {"person": result.get("persons", []), "place": result.get("places", []),
                    "article": result.get("articles", [])}
        prepared = make_features(item.item_id, item.lang, item.published or item.fetched_at,
                                 item.title, item.text, entities)
        try:
            story = write(self.db, lambda db: assign(db, item.item_id, prepared),
                          what="story grouping")
        except sqlite3.Error as exc:
            # The item is stored; the next crawl's catch_up groups it. Evidence must not wait.
            logger.warning("stories: could not group %s: %s", item.url, exc)
            self.crawler.stats.inc_value("newsmon/story_failed")
            return item
        if story != item.item_id:
            self.crawler.stats.inc_value("newsmon/items_joined_story")
        return item
