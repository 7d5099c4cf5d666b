"""Project signals (Scrapy's signal protocol: `crawler.signals.send_catch_log(signal, **kw)`)."""

#: A URL could not be turned into an item. Sent with ``url``, ``stage`` and ``reason``;
#: the recorder extension writes it to ``crawl_errors`` so no fetched page goes missing.
fetch_failed = object()

#: A URL was skipped on purpose (already known, unchanged). Sent with ``url`` and ``reason``.
#: Counted in stats, not recorded as an error.
url_skipped = object()
