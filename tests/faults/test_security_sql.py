"""No SQL is assembled from user input: every dynamically built SQL string is on a reviewed list.

The scan finds f-strings, `+` concatenations and `.format()` calls whose text looks like SQL in
the shipped packages. Each one found was read: it splices only fixed column/table names,
constant clauses or `?`/`:name` placeholders, with the values passed as parameters. A new one
fails this test until someone reviews it and adds it here with the reason.
"""

from __future__ import annotations

import ast
import re

from tests.support.cli import ROOT

PACKAGES = ("crawler", "spiders", "pipelines", "store", "datasette_plugins", "alerts",
            "evidence", "classifiers", "stories")
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP)\b|\bFROM\s|\bWHERE\s")

#: (file, enclosing function) -> why the splice is safe.
REVIEWED = {
    ("store/db.py", "connect"): "PRAGMA with a module constant (an int)",
    ("store/migrations.py", "m009_one_timestamp_form"): "table/column names from the constant "
                                                      "TIMESTAMP_COLUMNS, bracket-quoted",
    ("datasette_plugins/queries.py", "queue_sql"): "WHERE from FILTERS constants; :named params",
    ("datasette_plugins/queries.py", "count_sql"): "same WHERE as queue_sql",
    ("datasette_plugins/queries.py", "ids_sql"): "same WHERE; :_cap is a parameter",
    ("datasette_plugins/queries.py", "neighbour_sql"): "same WHERE; constant step clauses",
    ("store/search.py", "_trigger_sql"): "constant table name and sql_fold of fixed columns",
    ("store/search.py", "create_index"): "constant table/view names and sql_fold",
    ("store/search.py", "create_triggers"): "trigger names from the constant TRIGGERS",
    ("store/search.py", "drop_triggers"): "trigger names from the constant TRIGGERS",
    ("store/search.py", "rebuild"): "constant table name",
    ("store/search.py", "search_ids"): "constant table name; the MATCH text is a ? param",
    ("store/migrations.py", "m_search_001_folded_index"): "old trigger names, a fixed tuple",
    ("datasette_plugins/triage.py", "apply_change"): "only '?' placeholders, one per id",
    ("datasette_plugins/stories.py", "count_sql"): "the queue's WHERE (queries.QueueFilter)",
    ("alerts/select.py", "_entity_filter"): "constant clause around _in_list's placeholders",
    ("alerts/select.py", "match_clauses"): "constant clauses; '?' per topic, values in params",
    ("alerts/select.py", "pending_sql"): "joins match_clauses' constant clauses; ? params",
    ("alerts/notices.py", "notices_sql"): "constant clauses + match_clauses; ? params",
    ("evidence/warc.py", "where"): "constant clauses; '?' per value, values in params",
    ("evidence/warc.py", "export_warc"): "SNAPSHOT_SQL constant formatted with where()",
    ("evidence/warc.py", "write_records"): "REMOVAL_SQL constant with '?' per id",
}


def literal_text(node: ast.AST) -> str:
    """The constant text of an f-string, a `+` chain or a `.format()` receiver."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return literal_text(node.left) + literal_text(node.right)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"):
        return literal_text(node.func.value) or _name_text(node.func.value)
    return ""


def _name_text(node: ast.AST) -> str:
    return "SELECT" if isinstance(node, ast.Name) and node.id.endswith("_SQL") else ""


def is_dynamic(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return not (isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant))
    return isinstance(node, ast.Call)


def dynamic_sql() -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    if not isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call):
                        continue
                    if is_dynamic(node) and SQL.search(literal_text(node)):
                        key = (str(path.relative_to(ROOT)), func.name)
                        found.setdefault(key, []).append(node.lineno)
    return found


def test_every_dynamic_sql_string_is_reviewed():
    found = dynamic_sql()
    unreviewed = {key: lines for key, lines in found.items() if key not in REVIEWED}
    assert not unreviewed, f"review these SQL splices and add them to REVIEWED: {unreviewed}"


def test_review_list_has_no_stale_entries():
    found = dynamic_sql()
    stale = [key for key in REVIEWED if key not in found]
    assert not stale, f"no longer found, remove from REVIEWED: {stale}"
