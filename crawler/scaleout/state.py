"""What the database knows, mirrored in Redis for crawler processes that have no database.

The incremental crawl reads two things from earlier runs: when each known article was last
fetched (so it is not fetched again unless its feed says it changed) and each feed's
ETag/Last-Modified (conditional GET). `newsmon ingest` keeps both in Redis hashes as it
commits; a crawler process reads them when its spider opens. A missing or stale mirror only
costs fetches (the writer stores an unchanged article as unchanged), never an article.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

KNOWN_KEY = "newsmon:state:known:"  # + source: url -> fetched_at
FEEDS_KEY = "newsmon:state:feeds"  # feed url -> [etag, last_modified]
SEEDED_KEY = "newsmon:state:seeded"  # set once the mirror holds the whole database
CHUNK = 5000


def load_state(client: Any, source: str) -> tuple[dict[str, str | None],
                                                  dict[str, tuple[str, str]]]:
    """(known article URL -> last fetched, feed URL -> validators) for `source`."""
    known = {url.decode(): stamp.decode() or None
             for url, stamp in client.hgetall(KNOWN_KEY + source).items()}
    feeds = {url.decode(): tuple(json.loads(value))
             for url, value in client.hgetall(FEEDS_KEY).items()}
    return known, feeds  # type: ignore[return-value]


class StateMirror:
    """The writer's side: seed the mirror from the database once, then keep it current."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def seeded(self) -> bool:
        return bool(self.client.exists(SEEDED_KEY))

    def seed(self, articles: Iterable[tuple[str, str, str | None]],
             feeds: dict[str, tuple[str, str]]) -> None:
        """Load every (source, url, fetched_at) and feed validator; mark the mirror whole."""
        batch: list[tuple[str, str, str | None]] = []
        for row in articles:
            batch.append(row)
            if len(batch) >= CHUNK:
                self.update(batch, {}, [])
                batch = []
        self.update(batch, feeds, [])
        self.client.set(SEEDED_KEY, "1")

    def update(self, articles: list[tuple[str, str, str | None]],
               feeds: dict[str, tuple[str, str]], forgotten: list[str]) -> None:
        """Articles stored, feed validators saved and dropped, in one round trip."""
        if not (articles or feeds or forgotten):
            return
        pipe = self.client.pipeline(transaction=False)
        for source, url, fetched_at in articles:
            pipe.hset(KNOWN_KEY + source, url, fetched_at or "")
        for url, validators in feeds.items():
            pipe.hset(FEEDS_KEY, url, json.dumps(list(validators)))
        if forgotten:
            pipe.hdel(FEEDS_KEY, *forgotten)
        pipe.execute()
