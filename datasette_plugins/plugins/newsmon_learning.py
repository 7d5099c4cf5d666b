"""Learning from triage in Datasette: the Rules pages, the item page's model opinion and
topic reports (missed / wrong topic).

Loaded from Datasette's --plugins-dir beside newsmon_triage.py; the logic lives in
`datasette_plugins/views_rules.py`, `views_feedback.py` and the `learning` package.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from datasette_plugins.i18n import gettext
from datasette_plugins.views_feedback import learning_vars, topic_report
from datasette_plugins.views_rules import rule_view, rules_view


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/rules$", rules_view),
        (r"^/-/rules/(?P<rule>[\w.\-]+)$", rule_view),
        (r"^/-/topic-report/(?P<item_id>\d+)$", topic_report),
    ]


@hookimpl
def extra_template_vars(template: str, request: Any, datasette: Any) -> Any:
    # The item page's learning boxes (model opinion, topic reports) read `nm_learning`.
    if template != "newsmon_item.html":
        return {}

    async def inner() -> dict:
        return await learning_vars(datasette, request)

    return inner


@hookimpl
def menu_links(datasette: Any, actor: dict | None) -> list[dict[str, str]]:
    if not actor:
        return []
    return [{"href": datasette.urls.path("/-/rules"), "label": gettext("Rules")}]
