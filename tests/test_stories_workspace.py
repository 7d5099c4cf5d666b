"""Stories in the workspace, through the real `newsmon serve`: the queue has one row per story,
the item page lists the other reports; split, merge and story triage need a login and the CSRF
token, are logged, and a split survives `newsmon reclassify`. The browser test drives them in
Debian's chromium as a monitor would."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.jobs.classify import reclassify
from store import connect
from stories import catch_up
from tests.support.datasette import PASSWORDS, Client, serve
from tests.support.db import rows, store_item
from tests.test_browser_triage import CHROMIUM, browser  # noqa: F401 (the browser fixture)

RU = ("Суд в Актобе приговорил активиста Мурата Сагындыкова к пяти годам ограничения свободы "
      "по статье 405 Уголовного кодекса. Защитник Айдос Бекмуханов обжалует приговор.")
KK = ("Ақтөбе соты белсенді Мұрат Сағындықовты 405-бап бойынша бес жылға бас бостандығын "
      "шектеуге кесті. Қорғаушы Айдос Бекмұханов үкімге шағымданады.")
OTHER = ("В Актобе задержан блогер Талгат Есимов по подозрению по статье 405 Уголовного "
         "кодекса; его адвокат считает дело местью за критику акимата.")
RU_TITLE, KK_TITLE, OTHER_TITLE = ("Сторонник ДВК осуждён в Актобе",
                                   "Ақтөбеде ҚДТ жақтасы сотталды", "Блогер задержан в Актобе")


def make_story_db(path: Path) -> tuple[int, int, int]:
    """A ru and a kk report of one sentence (one story) and another case (its own)."""
    ids = tuple(
        store_item(path, f"https://{source}.example/{n}", title, ["art405"], text=text,
                   lang=lang, source=source, published=f"2026-09-1{n}T09:00:00Z",
                   places=("Aktobe",), articles=("405",))
        for n, (title, text, lang, source) in enumerate([
            (RU_TITLE, RU, "ru", "azattyq-ru"), (KK_TITLE, KK, "kk", "azattyq-kk"),
            (OTHER_TITLE, OTHER, "ru", "vlast-kz")], start=5))
    db = connect(path)
    try:
        catch_up(db)
    finally:
        db.close()
    return ids  # type: ignore[return-value]


@pytest.fixture()
def served(tmp_path: Path):
    path = tmp_path / "newsmon.db"
    ids = make_story_db(path)
    with serve(path) as url:
        yield url, path, ids


@pytest.mark.e2e
def test_story_writes_need_a_login_and_the_csrf_token(served) -> None:
    base, path, (ru, kk, _) = served
    anonymous = Client(base)
    assert anonymous.post(f"/-/story/split/{kk}", {}).status == 403
    alice = Client(base)
    alice.login("alice")
    assert alice.post(f"/-/story/split/{kk}", {}, csrf=False).status == 403
    assert rows(path, "SELECT count(*) FROM story_log") == [(0,)]
    assert alice.post(f"/-/triage/{kk}", {"status": "follow_up", "note": "call the lawyer"}
                      ).status == 302
    reply = alice.post(f"/-/story/triage/{ru}", {"status": "relevant"})
    assert reply.status == 302
    assert rows(path, "SELECT item_id, status, note, updated_by FROM triage ORDER BY item_id"
                ) == [(ru, "relevant", "", "alice"), (kk, "relevant", "call the lawyer", "alice")]
    assert alice.post(f"/-/story/merge/{ru}", {"other": "x"}).status == 400


@pytest.mark.e2e
def test_queue_rows_are_stories_and_bulk_triage_covers_the_story(served) -> None:
    base, path, (ru, kk, other) = served
    alice = Client(base)
    alice.login("alice")
    page = alice.get("/-/queue").text
    assert "2 сюжета с отмеченными сообщениями ещё не разобраны" in page
    assert "2 сообщения из 2 изданий (ru, kk)" in page
    assert page.count('name="item_id"') == 2
    reply = alice.post("/-/triage-bulk", {"item_id": str(kk), "stories": "1",
                                          "status": "follow_up", "scope": "selected"})
    assert reply.status == 302
    assert rows(path, "SELECT item_id FROM triage ORDER BY item_id") == [(ru,), (kk,)]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium missing")
def test_monitor_splits_and_merges_in_the_browser(browser, served) -> None:  # noqa: F811
    base, path, (ru, kk, other) = served
    page = browser.new_context().new_page()
    page.goto(base + "/-/login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORDS["alice"])
    page.click("input[type=submit]")
    page.goto(base + "/-/queue")
    assert page.locator("table.nm-queue tbody tr").count() == 2
    story = page.get_by_test_id(f"story-{ru}")
    story.locator("summary").click()
    story.get_by_role("link", name=RU_TITLE).click()  # the newest report leads; the first folds
    assert page.url.endswith(f"/-/item/{ru}")

    page.goto(f"{base}/-/item/{kk}")
    assert page.get_by_test_id("story-summary").inner_text() == "2 сообщения из 2 изданий (ru, kk)"
    page.click("text=Отделить это сообщение от сюжета")
    box = page.get_by_test_id("story-box").inner_text()
    assert "Других сообщений об этом событии пока нет." in box
    db = connect(path)
    try:
        reclassify(db, [], regroup_all=True)  # every item re-grouped: the split must hold
    finally:
        db.close()
    page.goto(base + "/-/queue")
    assert page.locator("table.nm-queue tbody tr").count() == 3

    page.goto(f"{base}/-/item/{kk}")
    page.fill("input[name=other]", str(other))
    page.click("input[value=Объединить]")
    box = page.get_by_test_id("story-box").inner_text()
    assert OTHER_TITLE in box and RU_TITLE not in box
    assert f"alice: сообщение №{kk} отделено от сюжета №{ru}" in box
    assert f"alice: сюжет №{kk} объединён с сюжетом №{other}" in box or \
        f"alice: сюжет №{other} объединён с сюжетом №{kk}" in box
    page.goto(base + "/-/queue")
    assert page.locator("table.nm-queue tbody tr").count() == 2
    page.context.close()
