"""The funnel's Redis list, as a reliable queue (Redis' RPOPLPUSH/BLMOVE pattern).

Crawlers push to the tail of the queue. The one writer moves a batch from its head to the
tail of a processing list, writes the batch, and only after the SQLite transaction commits
trims it off the processing list. A writer killed anywhere in between finds the batch still
in the processing list when it starts again and writes it first; message ids make that
second write a no-op for what had already been committed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.scaleout.wire import PROCESSING_KEY, QUEUE_KEY, QueueMisconfigured, QueueUnavailable

CONNECT_TIMEOUT = 5.0
SOCKET_TIMEOUT = 30.0


def safe_url(url: str) -> str:
    """`url` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def redis_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "Redis is not answering" (unreachable, connection, timeout)."""
    import redis

    return (QueueUnavailable, redis.ConnectionError, redis.TimeoutError, OSError)


def open_redis(url: str, socket_timeout: float = SOCKET_TIMEOUT) -> Any:
    """A connected client for `url`, or QueueUnavailable with a one-line reason."""
    import redis  # the `scale` extra

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT,
                                      socket_timeout=socket_timeout)
        client.ping()
    except ValueError as exc:  # a malformed URL
        raise QueueMisconfigured(f"NEWSMON_REDIS_URL {safe_url(url)} is not a Redis URL: "
                                 f"{exc}") from None
    except (*redis_errors(), redis.RedisError) as exc:
        raise QueueUnavailable(f"Redis at {safe_url(url)} is unreachable: {exc}") from None
    return client


class Funnel:
    """The queue and the writer's processing list on one Redis."""

    def __init__(self, client: Any, queue: str = QUEUE_KEY,
                 processing: str = PROCESSING_KEY) -> None:
        self.client = client
        self.queue = queue
        self.processing = processing

    def push(self, frame: bytes) -> None:
        self.client.rpush(self.queue, frame)

    def waiting(self) -> int:
        """Messages pushed and not yet taken by the writer."""
        return int(self.client.llen(self.queue))

    def leftovers(self) -> list[bytes]:
        """What a previous writer took and never acknowledged (in order)."""
        return list(self.client.lrange(self.processing, 0, -1))

    def take(self, limit: int, wait: float) -> list[bytes]:
        """Move up to `limit` messages to the processing list; wait up to `wait` s for one."""
        first = self.client.blmove(self.queue, self.processing, wait, "LEFT", "RIGHT")
        if first is None:
            return []
        batch = [first]
        while len(batch) < limit:
            frame = self.client.lmove(self.queue, self.processing, "LEFT", "RIGHT")
            if frame is None:
                break
            batch.append(frame)
        return batch

    def ack(self, count: int) -> None:
        """Drop the first `count` messages of the processing list: they are committed."""
        self.client.ltrim(self.processing, count, -1)
