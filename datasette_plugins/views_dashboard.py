"""The dashboard: flagged items per ISO week by topic, per region, and a region's cities."""

from __future__ import annotations

import json
import weakref
from datetime import date, timedelta
from typing import Any

from datasette.utils.asgi import Response

from datasette_plugins import charts, places
from datasette_plugins.pages import guard_read, render, rows

# Changes whenever items, topics or entities are written (new rows get higher rowids, and a
# reclassification re-inserts): a key for caching the dashboard until the data changes.
VERSION_SQL = """
    SELECT (SELECT max(id) FROM items), (SELECT max(rowid) FROM item_topics),
           (SELECT max(rowid) FROM item_entities)"""
# Walks idx_items_queue_order: the newest flagged item in microseconds.
LAST_SQL = "SELECT max(coalesce(published, fetched_at)) AS last FROM items WHERE flagged = 1"
# The day as the outlet wrote it (no time-zone shift), so a bar and the queue it links to
# (date_from/date_to compare the same text) count the same items.
DAY = "substr(coalesce(i.published, i.fetched_at), 1, 10)"
BY_DAY_TOPIC_SQL = f"""
    SELECT {DAY} AS day, t.topic, count(*) AS n
    FROM items i JOIN item_topics t ON t.item_id = i.id
    WHERE i.flagged = 1 AND coalesce(i.published, i.fetched_at) >= :since
    GROUP BY 1, 2"""
BY_DAY_SQL = f"""
    SELECT {DAY} AS day, count(*) AS n FROM items i
    WHERE i.flagged = 1 AND coalesce(i.published, i.fetched_at) >= :since GROUP BY 1"""

_cache: weakref.WeakKeyDictionary[Any, tuple] = weakref.WeakKeyDictionary()


def last_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


async def dashboard_data(datasette: Any) -> tuple[list[charts.Bar], list[charts.Bar]]:
    """Weekly and regional bars, recomputed only when the data has changed.

    The aggregates cost about half a second at a million items; the version query that
    decides whether they are still valid costs microseconds.
    """
    version = tuple((await rows(datasette, VERSION_SQL))[0].values())
    cached = _cache.get(datasette)
    if cached is not None and cached[0] == version:
        return cached[1], cached[2]
    weeks: list[charts.Bar] = []
    end = last_day((await rows(datasette, LAST_SQL))[0]["last"])
    if end is not None:
        since = (charts.week_start(end) - timedelta(weeks=charts.WEEKS - 1)).isoformat()
        by_topic = await rows(datasette, BY_DAY_TOPIC_SQL, {"since": since})
        by_day = await rows(datasette, BY_DAY_SQL, {"since": since})
        weeks = charts.weekly_bars(by_topic, by_day, end)
    regions = await rows(datasette, places.REGION_SQL, {"membership": places.membership_json()})
    bars = charts.simple_bars(regions, "region", "region")
    _cache[datasette] = (version, weeks, bars)
    return weeks, bars


async def dashboard_view(datasette: Any, request: Any) -> Response:
    """Flagged items per ISO week by topic and per region; ?region= shows that region's cities."""
    if (denied := await guard_read(datasette, request)) is not None:
        return denied
    weeks, regions = await dashboard_data(datasette)
    region = (request.args.get("region") or "").strip()
    cities: list[charts.Bar] = []
    if region:
        found = await rows(datasette, places.CITY_SQL,
                           {"members": json.dumps(places.members(region), ensure_ascii=False)})
        cities = charts.simple_bars(found, "place", "place")
    return await render(datasette, request, "newsmon_dashboard.html", {
        "weeks": weeks, "regions": regions, "region": region, "cities": cities,
        "colours": charts.TOPIC_COLOURS, "week_count": charts.WEEKS,
    })
