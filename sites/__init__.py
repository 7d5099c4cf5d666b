"""What newsmon knows about outlets' sites (ground floor, no Scrapy): the sources file, one
adapter object per kind of site (defaults, selectors, listing and URL rules), URL identity."""

from __future__ import annotations

from sites.adapter import Adapter, FeedAdapter, SitemapAdapter
from sites.pangea import PangeaAdapter
from sites.telegram import TelegramAdapter
from sites.wordpress import WordPressAdapter

#: The adapter registry: `adapter = "<name>"` in sources.toml picks one of these.
ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (PangeaAdapter(), WordPressAdapter(), FeedAdapter(), SitemapAdapter(),
                    TelegramAdapter())
}


def get_adapter(name: str) -> Adapter:
    """The registered adapter called `name`; KeyError naming the known ones otherwise."""
    try:
        return ADAPTERS[name]
    except KeyError:
        raise KeyError(f"unknown adapter {name!r} (known: {', '.join(ADAPTERS)})") from None


__all__ = ["ADAPTERS", "Adapter", "get_adapter"]
