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
