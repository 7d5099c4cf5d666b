"""Workspace pieces without a server: catalogues, dates, the queue's query builder, the
dashboard's weeks and regions, and undo."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from datasette_plugins import charts, i18n, places, queries
from datasette_plugins.locale.catalogues import LANGUAGES, missing, template
from datasette_plugins.triage import TriageChange, TriageError, apply_change, undo_batch
from tests.support.workspace import make_workspace_db


@pytest.fixture(params=i18n.LANGUAGES)
def lang(request: pytest.FixtureRequest):
    token = i18n.current_language.set(request.param)
    yield request.param
    i18n.current_language.reset(token)


def test_every_interface_message_is_translated() -> None:
    pot = template()
    assert len(pot) > 100  # templates, Python and data were all read
    for language in LANGUAGES:
        assert missing(language, pot) == [], language


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", ("Очередь разбора", "Важно", "Ст. 405", "Актобе", "2 дек. 2026, 09:30")),
    ("kk", ("Қарау кезегі", "Маңызды", "405-бап", "Ақтөбе", "2 жел. 2026, 09:30")),
    ("en", ("Triage queue", "Relevant", "Art. 405", "Aktobe", "2 Dec 2026, 09:30")),
])
def test_labels_and_times_in_each_language(language: str, expected: tuple) -> None:
    token = i18n.current_language.set(language)
    try:
        got = (i18n.gettext("Triage queue"), i18n.status_name("relevant"),
               i18n.topic_name("art405"), i18n.place_name("Aktobe"),
               i18n.when("2026-12-02T04:30:00+00:00"))
    finally:
        i18n.current_language.reset(token)
    assert got == expected


def test_russian_plurals_have_three_forms() -> None:
    token = i18n.current_language.set("ru")
    try:
        said = [i18n.ngettext("%(count)s item", "%(count)s items", n) % {"count": n}
                for n in (1, 3, 5, 21)]
    finally:
        i18n.current_language.reset(token)
    assert said == ["1 материал", "3 материала", "5 материалов", "21 материал"]


@pytest.mark.parametrize(("args", "plain"), [
    ({"_search": "x"}, True), ({"_search": "x", "_next": "5", "_facet": "lang"}, True),
    ({"_search": "x", "_sort_desc": "id"}, True), ({"_search": "x", "_sort": "id"}, False),
    ({"_search": "x", "source": "a"}, False), ({"_search": "x", "_where": "1"}, False),
])
def test_only_a_plain_table_search_is_capped(args: dict, plain: bool) -> None:
    from datasette_plugins.table_search import plain_search

    assert plain_search(args) is plain


def test_csv_cells_never_become_formulas() -> None:
    from datasette_plugins.views_export import cell

    assert [cell(v) for v in ("=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "Суд", 7)] == [
        "'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)", "Суд", 7]


def test_time_zone_and_unparsable_times(lang: str) -> None:
    assert "UTC+5" in i18n.zone_label()
    assert i18n.when("not a date") == "not a date"
    assert i18n.day("2024-05-06T23:30:00+05:00").startswith("6 ")  # outlet's date, Almaty


@pytest.mark.parametrize(("cookie", "expected"), [
    (b"newsmon_lang=kk", "kk"), (b"a=1; newsmon_lang=en", "en"), (b"newsmon_lang=fr", "ru"),
    (b"newsmon_lang", "ru"), (b"", "ru"),
])
def test_language_cookie(cookie: bytes, expected: str) -> None:
    assert i18n.language_from_headers([(b"cookie", cookie)]) == expected


@pytest.fixture()
def conn(tmp_path: Path):
    make_workspace_db(tmp_path / "n.db")
    connection = sqlite3.connect(tmp_path / "n.db")
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def ids(conn: sqlite3.Connection, args: dict, untriaged: bool = True) -> list[int]:
    flt = queries.QueueFilter.from_args(args, untriaged, places.search_groups())
    return [row["id"] for row in conn.execute(*queries.queue_sql(flt))]


@pytest.mark.parametrize(("args", "expected"), [
    ({}, [8, 7, 6, 4, 3, 2, 1]),
    ({"q": "заключенного"}, [6]),
    ({"q": "Уральск"}, [7]),
    ({"q": "пытка"}, [8, 4, 1]),
    ({"region": "Aktobe Region"}, [8, 4, 1]),  # the region and its city
    ({"place": "Aktobe Region"}, [8]),
    ({"date_from": "2024-05-20", "date_to": "2024-05-23"}, [6, 4, 3]),  # both ends included
    ({"date_from": "not-a-date"}, [8, 7, 6, 4, 3, 2, 1]),  # ignored, not an error
    ({"triage": "relevant"}, [2]),
    ({"triage": "new"}, [8, 7, 6, 4, 3, 1]),
    ({"assignee": "bob"}, [2]),
    ({"q": "!!!"}, []),
])
def test_queue_filters(conn: sqlite3.Connection, args: dict, expected: list[int]) -> None:
    change = TriageChange("relevant", "", "bob", "alice")
    apply_change(conn, [2], change)
    assert ids(conn, args, untriaged=False) == expected


@pytest.mark.parametrize("words", ["пытка", "Актобе", "суд", "ұстады"])
def test_dense_and_sparse_search_plans_agree(conn: sqlite3.Connection, words: str) -> None:
    found = []
    for dense in (False, True):
        flt = queries.QueueFilter.from_args({"q": words}, False, places.search_groups())
        flt.dense = dense
        sql, params = queries.queue_sql(flt)
        assert ("+i.id IN" in sql) is dense
        found.append([row["id"] for row in conn.execute(sql, params)])
    assert found[0] == found[1]


def test_untriaged_queue_hides_triaged_items_and_counts_are_capped(conn) -> None:
    apply_change(conn, [2], TriageChange("relevant", "", "", "alice"))
    assert 2 not in ids(conn, {})
    flt = queries.QueueFilter.from_args({}, True)
    assert conn.execute(*queries.count_sql(flt, cap=3)).fetchone()[0] == 4  # cap + 1


def test_neighbours_follow_the_queue_order(conn) -> None:
    flt = queries.QueueFilter.from_args({}, False)
    row = conn.execute(queries.ITEM_SQL, {"id": 6}).fetchone()
    older = conn.execute(*queries.neighbour_sql(flt, row["sort_time"], 6, newer=False))
    newer = conn.execute(*queries.neighbour_sql(flt, row["sort_time"], 6, newer=True))
    assert (older.fetchone()[0], newer.fetchone()[0]) == (4, 7)


def test_undo_restores_a_bulk_change_and_is_logged(conn) -> None:
    apply_change(conn, [1], TriageChange("follow_up", "call", "bob", "alice"), batch="b1")
    apply_change(conn, [1, 3, 4], TriageChange("not_relevant", "", "", "bob"), batch="b2")
    apply_change(conn, [4], TriageChange("duplicate", "", "", "alice"), batch="b3")
    result = undo_batch(conn, "b2", "carol")
    assert (result.restored, result.skipped) == (2, 1)  # item 4 was changed again since
    state = {r[0]: r[1:] for r in conn.execute(
        "SELECT item_id, status, note, assigned_to FROM triage ORDER BY item_id")}
    assert state == {1: ("follow_up", "call", "bob"), 3: ("new", "", ""),
                     4: ("duplicate", "", "")}
    logged = conn.execute("SELECT count(*) FROM triage_log WHERE reverts = 'b2' "
                          "AND updated_by = 'carol'").fetchone()[0]
    assert logged == 2
    with pytest.raises(TriageError):
        undo_batch(conn, "b2", "carol")
    with pytest.raises(TriageError):
        undo_batch(conn, "nope", "carol")


def test_weeks_are_iso_weeks_and_none_is_skipped() -> None:
    by_topic = [{"day": "2026-11-18", "topic": "torture", "n": 2},
                {"day": "2026-11-18", "topic": "detention", "n": 1},
                {"day": "2026-10-01", "topic": "torture", "n": 1}]
    by_day = [{"day": "2026-11-18", "n": 2}, {"day": "2026-10-01", "n": 1}]
    bars = charts.weekly_bars(by_topic, by_day, date(2026, 11, 20), weeks=12)
    assert len(bars) == 12 and bars[-1].key == "2026-W47"  # strftime %W says W46
    assert [b.total for b in bars].count(0) == 10  # empty weeks are shown, not dropped
    assert bars[-1].total == 2 and sum(s.value for s in bars[-1].segments) == 3
    assert bars[-1].query == {"date_from": "2026-11-16", "date_to": "2026-11-22", "show": "all"}
    assert charts.week_label(date(2021, 1, 4)) == "2021-W01"
    assert charts.week_label(date(2021, 1, 3)) == "2020-W53"


def test_regions_count_an_item_once(conn) -> None:
    found = {r["region"]: r["n"] for r in conn.execute(
        places.REGION_SQL, {"membership": places.membership_json()})}
    # Items 1 and 4 name Aktobe, item 8 names Aktobe and Aktobe Region: three items, not four.
    assert found["Aktobe Region"] == 3 and "Aktobe" not in found
    assert found["West Kazakhstan Region"] == 1 and found["Mangystau Region"] == 1
    assert places.members("Mangystau Region") == ["Mangystau Region", "Aktau", "Zhanaozen"]
    assert set(places.region_of().values()) <= set(places.search.load_place_variants())
