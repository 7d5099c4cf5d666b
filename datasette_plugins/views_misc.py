"""The triage history (every change, newest first, with undo), the language switch, our JS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasette.utils.asgi import Response

from datasette_plugins.forms import Form, require_writer
from datasette_plugins.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from datasette_plugins.pages import render, rows

HISTORY_SQL = """
    SELECT l.batch, min(l.updated_at) AS at, l.updated_by, l.status, l.assigned_to,
           count(*) AS n, max(l.reverts) AS reverts, max(l.id) AS last_id,
           min(l.item_id) AS first_item,
           EXISTS (SELECT 1 FROM triage_log u WHERE u.reverts = l.batch) AS undone
    FROM triage_log l WHERE l.batch IS NOT NULL
    GROUP BY l.batch ORDER BY last_id DESC LIMIT :_limit"""
HISTORY_PAGE = 50
SCRIPT = Path(__file__).resolve().parent / "static" / "newsmon.js"


async def history_view(datasette: Any, request: Any) -> Response:
    """GET /-/history: the latest changes, one row per batch, each with an undo button."""
    require_writer(request)
    batches = await rows(datasette, HISTORY_SQL, {"_limit": HISTORY_PAGE})
    return await render(datasette, request, "newsmon_history.html", {"batches": batches})


def local_path(value: str | None) -> str:
    """Where to go back to: a path on this site only."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


async def set_language(datasette: Any, request: Any) -> Response:
    """POST /-/lang: remember the chosen interface language in a cookie, then go back."""
    if request.method != "POST":
        return Response.text("POST only", status=405)
    form = Form(await request.post_body())
    response = Response.redirect(local_path(form.get("next")))
    lang = form.get("lang")
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="lax")
    return response


async def script(datasette: Any, request: Any) -> Response:
    """GET /-/newsmon.js: the keyboard shortcuts (a file, not inline script)."""
    return Response(SCRIPT.read_text(encoding="utf-8"), content_type="text/javascript",
                    headers={"cache-control": "max-age=3600"})
