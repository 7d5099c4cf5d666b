"""The item page's learning boxes and their one write: a topic report (missed / wrong topic).

`POST /-/topic-report/<id>` with `topic`, `verdict` (missed | wrong | withdrawn) and `note`:
logged-in monitors only, CSRF-checked by Datasette like every POST, stored and logged by
learning.feedback in Datasette's write thread.
"""

from __future__ import annotations

from typing import Any

from datasette.utils.asgi import Response

from core.domain import TOPICS
from datasette_plugins.forms import failed, posted_by_writer, wants_json
from datasette_plugins.i18n import gettext, topic_name
from datasette_plugins.params import parse_id
from datasette_plugins.state import get_state
from learning.feedback import FeedbackError, TopicReport, item_reports, record
from learning.labels import MODEL_YES

MODEL_SQL = """
    SELECT m.topic, m.probability, r.trained_at,
           EXISTS (SELECT 1 FROM item_topics t WHERE t.item_id = m.item_id
                   AND t.topic = m.topic) AS flagged
    FROM model_scores m LEFT JOIN model_runs r ON r.id = m.run_id
    WHERE m.item_id = ? ORDER BY m.probability DESC"""


def item_learning(conn: Any, item_id: int) -> dict:
    """What the item page shows: the model's opinion per topic, the topic reports, and which
    topics may be reported missed (not flagged) or wrong (flagged)."""
    flagged = {r[0] for r in conn.execute(
        "SELECT topic FROM item_topics WHERE item_id = ?", [item_id]).fetchall()}
    model = [{"topic": t, "probability": p, "trained_at": at, "flagged": bool(f),
              "disagrees": (p >= MODEL_YES) != bool(f)}
             for t, p, at, f in conn.execute(MODEL_SQL, [item_id]).fetchall()]
    reports = item_reports(conn, item_id)
    reported = {r["topic"] for r in reports}
    return {"item_id": item_id, "model": model, "reports": reports,
            "missable": [t for t in TOPICS if t not in flagged and t not in reported],
            "flagged": [t for t in TOPICS if t in flagged and t not in reported]}


async def learning_vars(datasette: Any, request: Any) -> dict:
    """Template variables for the item page (nothing for visitors who are not logged in)."""
    if not request or not request.actor or "item_id" not in request.url_vars:
        return {}
    item_id = int(request.url_vars["item_id"])
    db = datasette.get_database(get_state(datasette).db_name)
    data = await db.execute_fn(lambda conn: item_learning(conn, item_id))
    return {"nm_learning": data}


def refusal(exc: FeedbackError) -> str:
    """Why a topic report was refused, in the interface's language."""
    texts = {
        "topic": gettext("topic must be one of: %(topics)s"),
        "verdict": gettext("verdict must be one of: %(verdicts)s"),
        "note": gettext("note is too long"),
        "item": gettext("no such item"),
        "flagged": gettext("the item is already flagged %(topic)s"),
        "unflagged": gettext("the item is not flagged %(topic)s"),
    }
    text = texts.get(exc.kind, str(exc))
    params = dict(exc.params or {})
    if "topic" in params and exc.kind in ("flagged", "unflagged"):
        params["topic"] = topic_name(params["topic"])
    return text % params if params else text


async def topic_report(datasette: Any, request: Any) -> Response:
    """POST /-/topic-report/<id>: record, change or withdraw a missed / wrong-topic report."""
    if isinstance(posted := await posted_by_writer(request), Response):
        return posted
    actor_id, form = posted
    item_id = parse_id(request.url_vars["item_id"])
    if item_id is None:
        return failed(request, gettext("no such item"), 404)
    # The item page's select sends "verdict:topic" as `choice`; scripts may send both fields.
    verdict, _, topic = (form.get("choice") or "").strip().partition(":")
    report = TopicReport(item_id, topic or (form.get("topic") or "").strip(),
                         verdict if topic else (form.get("verdict") or "").strip(),
                         (form.get("note") or "").strip(), actor_id)
    db = datasette.get_database(get_state(datasette).db_name)
    try:
        await db.execute_write_fn(lambda conn: record(conn, report))
    except FeedbackError as exc:
        return failed(request, refusal(exc), 404 if exc.kind == "item" else 400)
    payload = {"ok": True, "item_id": item_id, "topic": report.topic, "verdict": report.verdict}
    if wants_json(request):
        return Response.json(payload)
    datasette.add_message(request, gettext("Saved: %(topic)s marked %(verdict)s") % {
        "topic": report.topic, "verdict": report.verdict}, datasette.INFO)
    return Response.redirect(datasette.urls.path(f"/-/item/{item_id}"))
