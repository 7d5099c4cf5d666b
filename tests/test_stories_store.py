"""Story ids in the store: the contract, the backfill of older databases, split and merge kept
through re-grouping, `newsmon reclassify` and changed re-crawls."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsmon.jobs.classify import reclassify
from store import connect
from stories import DecisionError, assign, catch_up, merge, rebuild, split
from tests.support.db import rows, store_item

RU = ("Суд в Актобе приговорил активиста Мурата Сагындыкова к пяти годам ограничения свободы "
      "по статье 405 Уголовного кодекса. Защитник Айдос Бекмуханов обжалует приговор.")
KK = ("Ақтөбе соты белсенді Мұрат Сағындықовты 405-бап бойынша бес жылға бас бостандығын "
      "шектеуге кесті. Қорғаушы Айдос Бекмұханов үкімге шағымданады.")
OTHER = ("В Актобе задержан блогер Талгат Есимов по подозрению по статье 405 Уголовного "
         "кодекса; его адвокат считает дело местью за критику акимата.")


def stored(db_path: Path, n: int, text: str, lang: str = "ru", day: str = "2026-09-15",
           source: str = "site-a") -> int:
    return store_item(db_path, f"https://{source}.example/{n}", f"Заголовок {n}", ["art405"],
                      text=text, lang=lang, source=source, published=f"{day}T09:00:00Z",
                      places=("Aktobe",), articles=("405",))


def group_all(db_path: Path) -> dict[int, int]:
    db = connect(db_path)
    try:
        catch_up(db)
    finally:
        db.close()
    return dict(rows(db_path, "SELECT id, story_id FROM items"))


@pytest.fixture()
def three(tmp_path: Path) -> tuple[Path, list[int]]:
    """A ru and a kk report of one sentence, and another Aktobe case the same week."""
    path = tmp_path / "newsmon.db"
    ids = [stored(path, 1, RU), stored(path, 2, KK, "kk", source="site-b"),
           stored(path, 3, OTHER, day="2026-09-16")]
    return path, ids


def test_every_item_has_a_story_id_as_soon_as_it_is_stored(three) -> None:
    path, ids = three
    assert rows(path, "SELECT id, story_id FROM items ORDER BY id") == [(i, i) for i in ids]


def test_an_older_database_gets_story_ids_by_backfill(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    item = stored(path, 1, RU)
    with sqlite3.connect(path) as conn:  # as a database from before stories looked
        conn.execute("UPDATE items SET story_id = NULL")
        conn.execute("DELETE FROM _migrations WHERE name = 'm_stories_001_story_ids'")
    connect(path).close()
    assert rows(path, "SELECT story_id FROM items") == [(item,)]


def test_catch_up_groups_ru_and_kk_and_leaves_the_other_case(three) -> None:
    path, (ru, kk, other) = three
    stories = group_all(path)
    assert stories[ru] == stories[kk] == ru
    assert stories[other] == other
    [(explanation,)] = rows(path, "SELECT explanation FROM story_links")
    assert "same name бекмуханов, сагиндиков" in explanation and "same place Aktobe" in explanation
    assert rows(path, "SELECT items, languages FROM stories WHERE story_id = ?", [ru]) == [
        (2, "ru,kk")]


def test_split_and_merge_are_logged_and_survive_a_rebuild(three) -> None:
    path, (ru, kk, other) = three
    group_all(path)
    db = connect(path)
    try:
        split(db, kk, "alice")
        merge(db, ru, other, "bob", note="same case")
        with pytest.raises(DecisionError):
            split(db, kk, "alice")  # already alone
        rebuild(db)
    finally:
        db.close()
    stories = dict(rows(path, "SELECT id, story_id FROM items"))
    assert stories[kk] == kk and stories[ru] == stories[other] == ru
    assert rows(path, "SELECT action, item_id, story_id, other_story_id, updated_by FROM "
                      "story_log ORDER BY id") == [("split", kk, ru, ru, "alice"),
                                                   ("merge", None, ru, other, "bob")]


@pytest.mark.parametrize("regroup_all", [False, True])
def test_reclassify_keeps_a_split(three, regroup_all: bool) -> None:
    path, (ru, kk, _) = three
    group_all(path)
    db = connect(path)
    try:
        split(db, kk, "alice")
        report = reclassify(db, [], regroup_all=regroup_all)
    finally:
        db.close()
    stories = dict(rows(path, "SELECT id, story_id FROM items"))
    assert stories[kk] == kk and stories[ru] == ru
    assert report.regrouped == (3 if regroup_all else 0)  # by default only changed items


def test_a_changed_recrawl_does_not_undo_a_split(three) -> None:
    path, (ru, kk, _) = three
    group_all(path)
    db = connect(path)
    try:
        split(db, kk, "alice")
    finally:
        db.close()
    stored(path, 2, KK + " Жаңартылды.", "kk", source="site-b")  # same URL, new text
    db = connect(path)
    try:
        assert assign(db, kk) == kk
    finally:
        db.close()


def test_a_merge_of_two_stories_needs_two_stories(three) -> None:
    path, (ru, kk, _) = three
    group_all(path)
    db = connect(path)
    try:
        with pytest.raises(DecisionError):
            merge(db, ru, kk, "alice")  # already one story
        with pytest.raises(DecisionError):
            merge(db, ru, 999, "alice")
    finally:
        db.close()
