"""Public Telegram channels (`adapter = "telegram"`): one item per post of the web preview.

Posts are read from `/s/<channel>` and older pages `?before=<id>`; nothing else is fetched.
Ids only grow, so a run stops at the first page that shows a post already stored; the first
run reads `listing_pages` pages, a backfill (`--since`) pages until a post older than the date.
A post with no text, or less text than an article needs, is counted and skipped, not stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from core.clock import utc_now
from crawler.items import ArticleItem
from extraction.article import MIN_TEXT_CHARS
from extraction.dates import day_of
from sites import telegram
from spiders.errors import content_type


class TelegramMixin:
    """NewsSpider's Telegram channels (expects its source, request(), fail(), feed_ok())."""

    source: Any
    since: date | None
    known: dict[str, str | None]
    crawler: Any

    def newest_known_post(self) -> int:
        prefix = f"tg:{self.source.channel.lower()}:"
        return max((int(k[len(prefix):]) for k in self.known if k.startswith(prefix)), default=0)

    def channel_request(self, before: int | None = None, page: int = 0) -> Request:
        path = telegram.preview_path(self.source.channel, before)
        return self.request(self.source.url(path), self.parse_channel, "listing", page=page)

    def parse_channel(self, response: Response) -> Iterable[Any]:
        self.feed_ok(response)
        if not isinstance(response, TextResponse):
            self.fail(response.url, "listing", f"not an HTML page ({content_type(response)})")
            return
        if not urlsplit(response.url).path.startswith("/s/"):
            self.fail(response.url, "listing", "the channel has no public preview (redirected "
                                               f"to {response.url})")
            return
        posts = telegram.parse_preview(response.text, self.source.channel)
        newest_known = self.newest_known_post()
        for post in posts:
            yield from self.post_item(post, response, newest_known)
        oldest = min((p.number for p in posts), default=0)
        page = response.meta.get("page", 0) + 1
        limit = self.backfill_pages if self.since else self.source.listing_pages
        too_old = self.since and any((day_of(p.published) or self.since) < self.since
                                     for p in posts)
        if posts and oldest > newest_known + 1 and not too_old and page < limit:
            yield self.channel_request(before=oldest, page=page)

    def post_item(self, post: telegram.Post, response: Response, newest_known: int
                  ) -> Iterable[ArticleItem]:
        """The item of a post not stored yet (counted like an article found in a feed)."""
        stats = self.crawler.stats
        if post.number <= newest_known:
            stats.inc_value("newsmon/articles_found")
            stats.inc_value("newsmon/articles_known")
            return
        if self.since and (day := day_of(post.published)) and day < self.since:
            return
        if len(post.text) < MIN_TEXT_CHARS:
            stats.inc_value("newsmon/telegram_posts_without_text")
            return
        stats.inc_value("newsmon/articles_found")
        url = telegram.permalink(self.source.base_url, post.channel, post.number)
        hints = {"title": post.title, "published": post.published,
                 "authors": [post.author] if post.author else []}
        # The post's page is built from the channel preview (`telegram.post_page`): it stands
        # for the permalink, which is also what the incremental crawl remembers.
        yield ArticleItem(
            url=url, source=self.source.name, fetched_url=url, status=response.status,
            body=telegram.post_page(post), encoding="utf-8",
            headers={"Content-Type": "text/html; charset=utf-8"}, fetched_at=utc_now(),
            adapter=self.source.adapter, body_selector=self.source.body_selector,
            hints={k: v for k, v in hints.items() if v}, country=self.source.country)
