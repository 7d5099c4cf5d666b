"""The funnel's messages: what crawler processes push to Redis and `newsmon ingest` reads.

A message is one zlib-compressed frame: a JSON header line, then the raw page body for items
(the evidence stage needs the exact bytes). JSON, never pickle: the writer must not run code
that whoever can write to Redis put there. Every message has a unique `id`, so a writer that
re-reads its processing list after a crash can tell what it already wrote.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any

from core.clock import utc_now
from crawler.items import ArticleItem

VERSION = 1
QUEUE_KEY = "newsmon:funnel:queue"  # crawlers RPUSH, the writer moves from the left
PROCESSING_KEY = "newsmon:funnel:processing"  # what the writer has taken but not committed
KINDS = ("start", "item", "error", "done")
#: ArticleItem fields the store and evidence stages read (the rest stays in the crawler).
ITEM_FIELDS = ("url", "source", "fetched_url", "status", "encoding", "headers", "fetched_at",
               "adapter", "country", "origin", "title", "text", "published", "authors",
               "lang", "classification", "content_hash")
COMPRESS_LEVEL = 1  # HTML shrinks ~5x at level 1; higher levels cost crawler CPU for little


class QueueUnavailable(RuntimeError):
    """Redis cannot be reached: nothing can be pushed or ingested (an outage, exit 3)."""


class QueueMisconfigured(ValueError):
    """NEWSMON_REDIS_URL is not a Redis URL: a configuration error (exit 2)."""


class BadMessage(ValueError):
    """A frame that is not a newsmon funnel message (recorded by the writer, never dropped)."""


@dataclass
class Message:
    """One funnel message: `kind` says what it carries; `body` is the page for items."""

    kind: str
    run: str  # the run key every worker of one run shares
    worker: str  # host:pid:source, one per crawler of one source
    data: dict[str, Any] = field(default_factory=dict)
    body: bytes = b""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    at: str = field(default_factory=utc_now)


def encode(message: Message) -> bytes:
    """The compressed frame for `message`."""
    header = {"v": VERSION, "id": message.id, "kind": message.kind, "run": message.run,
              "worker": message.worker, "at": message.at, "data": message.data}
    line = json.dumps(header, ensure_ascii=False, separators=(",", ":"), default=str)
    return zlib.compress(line.encode("utf-8") + b"\n" + message.body, COMPRESS_LEVEL)


def decode(frame: bytes) -> Message:
    """The message in `frame`; BadMessage when it is not one this writer can read."""
    try:
        raw = zlib.decompress(frame)
        line, _, body = raw.partition(b"\n")
        header = json.loads(line)
        if header.get("v") != VERSION or header.get("kind") not in KINDS:
            raise BadMessage(f"unknown version {header.get('v')!r} or kind "
                             f"{header.get('kind')!r}")
        return Message(kind=header["kind"], run=str(header["run"]),
                       worker=str(header["worker"]), data=dict(header.get("data") or {}),
                       body=body, id=str(header["id"]), at=str(header["at"]))
    except (zlib.error, ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, BadMessage):
            raise
        raise BadMessage(f"not a newsmon message ({type(exc).__name__}: {exc})") from None


def item_message(item: ArticleItem, run: str, worker: str, snapshot_all: bool = False
                 ) -> Message:
    """An extracted, classified item with its raw body (`snapshot_all`: keep its evidence
    even if it is not flagged, as `newsmon crawl --snapshot-all` asked)."""
    data = {name: getattr(item, name) for name in ITEM_FIELDS}
    if snapshot_all:
        data["snapshot_all"] = True
    return Message("item", run, worker, data, body=item.body)


def message_item(message: Message) -> ArticleItem:
    """The ArticleItem an item message carries (fields a newer crawler adds are ignored)."""
    known = {f.name for f in dataclasses.fields(ArticleItem)}
    values = {k: v for k, v in message.data.items() if k in known}
    return ArticleItem(**{"fetched_url": "", "status": 200, "encoding": "utf-8", **values,
                          "body": message.body})
