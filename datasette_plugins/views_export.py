"""The filtered queue as a file: CSV (UTF-8 with BOM, so Excel reads Cyrillic) or JSON.

Each row carries the item page's address. Anonymous readers get no triage columns.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from datasette.utils.asgi import Response

from datasette_plugins import queries
from datasette_plugins.i18n import ZONE, place_name, status_name, topic_name, when
from datasette_plugins.i18n import gettext as _
from datasette_plugins.pages import guard_read, json_list, place_list, read_filter, rows

# A cell Excel would run as a formula (crawled titles are hostile input): OWASP's advice is a
# leading apostrophe, which Excel shows as text and hides.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PUBLIC_COLUMNS = ("id", "published", "title", "source", "lang", "topics", "places", "url",
                  "item_page")
TRIAGE_COLUMNS = ("status", "assigned_to")


async def export_rows(datasette: Any, request: Any) -> tuple[list[dict], bool, dict]:
    """The matching items as plain dicts (codes, not labels), whether the export was cut
    short at EXPORT_LIMIT, and the filters."""
    flt = await read_filter(datasette, request)
    found = await rows(datasette, *queries.export_sql(flt))
    triage = bool(request.actor)
    out = []
    for item in found:
        row = {
            "id": item["id"], "published": item["sort_time"], "title": item["title"],
            "source": item["source"], "lang": item["lang"],
            "topics": json_list(item["topics"]), "places": place_list(item["places"]),
            "url": item["url"],
            "item_page": datasette.absolute_url(request, datasette.urls.path(
                f"/-/item/{item['id']}")),
        }
        if triage:
            row.update(status=item["status"] or "new", assigned_to=item["assigned_to"] or "")
        out.append(row)
    return out, len(found) >= queries.EXPORT_LIMIT, flt.query_string()


def file_name(extension: str) -> str:
    return f"newsmon-queue-{datetime.now(ZONE):%Y-%m-%d}.{extension}"


async def export_json(datasette: Any, request: Any) -> Response:
    """GET /-/queue.json?<filters>"""
    if (denied := await guard_read(datasette, request)) is not None:
        return denied
    items, truncated, filters = await export_rows(datasette, request)
    return Response.json({"filters": filters, "count": len(items), "truncated": truncated,
                          "items": items})


def csv_headers(triage: bool) -> list[str]:
    labels = {
        "id": _("Id"), "published": _("Published (Almaty time)"), "title": _("Title"),
        "source": _("Source"), "lang": _("Language"), "topics": _("Topics"),
        "places": _("Places"), "url": _("Original article"), "item_page": _("Item page"),
        "status": _("Status"), "assigned_to": _("Assigned to"),
    }
    columns = PUBLIC_COLUMNS + (TRIAGE_COLUMNS if triage else ())
    return [labels[c] for c in columns]


def cell(value: Any) -> Any:
    """`value`, made inert if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(item: dict, triage: bool) -> list[Any]:
    """One row with labels in the visitor's language (topics, places, status)."""
    row = [item["id"], when(item["published"]), item["title"], item["source"], item["lang"],
           ", ".join(topic_name(t) for t in item["topics"]),
           ", ".join(place_name(p) for p in item["places"]), item["url"], item["item_page"]]
    if triage:
        row += [status_name(item["status"]), item["assigned_to"]]
    return [cell(value) for value in row]


async def export_csv(datasette: Any, request: Any) -> Response:
    """GET /-/queue.csv?<filters>"""
    if (denied := await guard_read(datasette, request)) is not None:
        return denied
    items, _truncated, _filters = await export_rows(datasette, request)
    triage = bool(request.actor)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_headers(triage))
    writer.writerows(csv_row(item, triage) for item in items)
    return Response(
        "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{file_name("csv")}"'},
    )
