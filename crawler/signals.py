"""Project signals (Scrapy's signal protocol: `crawler.signals.send_catch_log(signal, **kw)`)."""

#: A URL could not be turned into an item. Sent with ``url``, ``stage`` and ``reason``;
#: the recorder extension writes it to ``crawl_errors`` so no fetched page goes missing.
fetch_failed = object()
