"""The newsmon Datasette plugin: pages, triage writes, login from the environment, access rules,
the interface language and the items table's search.

Loaded from Datasette's --plugins-dir; the logic lives in the `datasette_plugins` package.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from datasette_plugins import i18n
from datasette_plugins.access import anonymous_decision
from datasette_plugins.gate import session_gate
from datasette_plugins.headers import hardening_middleware
from datasette_plugins.login import login_view, password_tool_view
from datasette_plugins.params import checked_params
from datasette_plugins.rowlinks import install as hide_private_row_links
from datasette_plugins.state import get_state
from datasette_plugins.table_search import search_filter
from datasette_plugins.views_dashboard import dashboard_view
from datasette_plugins.views_export import export_csv, export_json
from datasette_plugins.views_misc import history_view, script, set_language
from datasette_plugins.views_read import item_view, queue_view
from datasette_plugins.views_write import triage_bulk, triage_one, undo


@hookimpl
def startup(datasette: Any) -> None:
    # Fail at start, not at first login, when NEWSMON_USERS or NEWSMON_ANONYMOUS is wrong.
    get_state(datasette)
    hide_private_row_links()


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    # HttpOnly session cookie, no framing, no MIME sniffing (datasette_plugins/headers.py);
    # no HTTP Basic, and a session cookie counts only while its session is valid (gate.py);
    # bad numbers in newsmon's URLs are 400 before any view runs (params.py); the visitor's
    # language for the request (i18n.py).
    return lambda app: hardening_middleware(session_gate(
        datasette, checked_params(i18n.language_middleware(app))))


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    # {% trans %}, _() and the label filters for every template, ours and Datasette's.
    i18n.install(env)


@hookimpl
def get_metadata(datasette: Any, key: str, database: str, table: str) -> dict:
    # Called from Datasette.__init__ before its metadata exists: contribute nothing yet.
    if not hasattr(datasette, "_metadata_local"):
        return {}
    return get_state(datasette).plugin_metadata


@hookimpl(tryfirst=True)
def register_routes() -> list[tuple[str, Any]]:
    # Plugin routes are matched before Datasette's, so "/" becomes the triage queue; tryfirst
    # puts ours before datasette-auth-passwords' login and password tool (datasette_plugins/
    # login.py: throttled, hashed off the event loop, server-side sessions).
    return [
        (r"^/-/login$", login_view),
        (r"^/-/password-tool$", password_tool_view),
        (r"^/$", queue_view),
        (r"^/-/queue$", queue_view),
        (r"^/-/queue\.csv$", export_csv),
        (r"^/-/queue\.json$", export_json),
        (r"^/-/item/(?P<item_id>\d+)$", item_view),
        (r"^/-/dashboard$", dashboard_view),
        (r"^/-/history$", history_view),
        (r"^/-/triage/(?P<item_id>\d+)$", triage_one),
        (r"^/-/triage-bulk$", triage_bulk),
        (r"^/-/undo$", undo),
        (r"^/-/lang$", set_language),
        (r"^/-/newsmon\.js$", script),
    ]


@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    # trylast: our search box (extra_context) wins over the built-in filter's "no FTS here".
    return search_filter(request, database, table, datasette)


@hookimpl(trylast=True)
def permission_allowed(datasette: Any, actor: dict | None, action: str, resource: Any) -> Any:
    # trylast: Datasette keeps the last non-None answer, so an anonymous denial here wins.
    if action == "view-table" and isinstance(resource, tuple) and resource[1] == "sessions":
        return False  # session hashes are nobody's reading, logged in or not
    if actor:
        return None

    async def inner() -> bool | None:
        state = get_state(datasette)
        sql = None
        if action == "view-query" and isinstance(resource, tuple):
            query = await datasette.get_canned_query(resource[0], resource[1], actor)
            sql = (query or {}).get("sql", "")
        return anonymous_decision(state.mode, action, resource, sql)

    return inner


@hookimpl
def extra_template_vars(datasette: Any, request: Any) -> dict[str, Any]:
    state = get_state(datasette)
    return {"newsmon_db": state.db_name, "newsmon_anonymous": state.mode,
            "nm_lang": i18n.current_language.get(), "nm_languages": i18n.LANGUAGES,
            "nm_path": request.full_path if request else "/"}


@hookimpl
def menu_links(datasette: Any, actor: dict | None) -> list[dict[str, str]]:
    state = get_state(datasette)
    if not actor and state.mode == "none":
        return []
    links = [
        {"href": datasette.urls.path("/-/queue"), "label": i18n.gettext("Triage queue")},
        {"href": datasette.urls.path("/-/dashboard"), "label": i18n.gettext("Dashboard")},
    ]
    if actor:
        links.append({"href": datasette.urls.path("/-/history"),
                      "label": i18n.gettext("History")})
    links.append({"href": datasette.urls.database(state.db_name),
                  "label": i18n.gettext("Tables and queries")})
    return links
