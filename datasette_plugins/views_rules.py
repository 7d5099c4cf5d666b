"""The Rules pages: per-rule precision from triage, misses and candidate terms, suggestions
and the model's figures (`/-/rules`), and the items one rule gave evidence for.

The same report as `newsmon rules report` (learning.reports), so the page and the command
agree. Only logged-in monitors see it: which items were triaged, and how, is itself a note.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils
from datasette.utils.asgi import Forbidden, Response

from classifiers import RulesError, load_rules
from datasette_plugins.i18n import gettext
from datasette_plugins.state import get_state
from learning.mining import add_candidates
from learning.reports import build_report, latest_model, open_suggestions, rule_items

logger = logging.getLogger(__name__)
PAGE = 100


async def guard_monitor(datasette: Any, request: Any) -> Response | None:
    """None for a logged-in monitor; the login page for anyone else."""
    if request.actor:
        return None
    if request.method == "GET":
        return Response.redirect(datasette.urls.path("/-/login"))
    raise Forbidden(gettext("Log in to see the rules' figures"))


def full_report(conn: Any) -> dict:
    """The report with candidate terms, open suggestions and the model (read thread)."""
    db = sqlite_utils.Database(conn)
    report = build_report(db)
    try:
        add_candidates(report, db, load_rules())
    except RulesError as exc:  # the page still shows the figures; the error says why not more
        logger.warning("rules page: %s", exc)
        report["rules_error"] = str(exc)
    report["suggestions"] = open_suggestions(db)
    report["model"] = latest_model(db)
    return report


async def render(datasette: Any, request: Any, template: str, context: dict) -> Response:
    return Response.html(await datasette.render_template(template, context, request=request))


async def rules_view(datasette: Any, request: Any) -> Response:
    """GET /-/rules (JSON with Accept: application/json or ?_json=1)."""
    if (denied := await guard_monitor(datasette, request)) is not None:
        return denied
    db = datasette.get_database(get_state(datasette).db_name)
    report = await db.execute_fn(full_report)
    if request.args.get("_json") or "application/json" in request.headers.get("accept", ""):
        return Response.json(report)
    return await render(datasette, request, "newsmon_rules.html", {"report": report})


async def rule_view(datasette: Any, request: Any) -> Response:
    """GET /-/rules/<rule id>: the items the rule gave evidence for, newest first."""
    if (denied := await guard_monitor(datasette, request)) is not None:
        return denied
    rule = request.url_vars["rule"]
    offset_arg = request.args.get("offset") or "0"
    offset = int(offset_arg) if offset_arg.isdigit() else 0
    db = datasette.get_database(get_state(datasette).db_name)
    items = await db.execute_fn(
        lambda conn: rule_items(sqlite_utils.Database(conn), rule, PAGE + 1, offset))
    return await render(datasette, request, "newsmon_rule.html", {
        "rule": rule, "items": items[:PAGE], "offset": offset, "page_size": PAGE,
        "has_more": len(items) > PAGE})
