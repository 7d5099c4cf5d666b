"""Stories in the workspace: routes for a story's triage, split and merge (the logic lives in
`datasette_plugins.stories`); loaded from Datasette's --plugins-dir beside newsmon_triage.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from datasette_plugins.stories import merge_view, split_view, triage_view


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/story/split/(?P<item_id>\d+)$", split_view),
        (r"^/-/story/merge/(?P<item_id>\d+)$", merge_view),
        (r"^/-/story/triage/(?P<item_id>\d+)$", triage_view),
    ]


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    # Story partials write their text as {% trans %}/_() for the message catalogues; until a
    # plugin installs the catalogues (gettext in the globals), the source text is shown.
    if "gettext" not in env.globals:
        env.add_extension("jinja2.ext.i18n")
        env.install_null_translations(newstyle=True)
