"""Headless Chromium (Debian's /usr/bin/chromium) drives the triage pages like a monitor.

One browser and one server for the module (the `base` fixture can be swapped for a
session-wide server: the tests only add triage rows and undo them).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import pytest

from tests.support.datasette import PASSWORDS, serve
from tests.support.workspace import make_workspace_db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium missing (apt-get install chromium; CI does)"
)]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        # Never let Playwright download a browser: use the system Chromium.
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "newsmon.db"
    make_workspace_db(path)
    return path


@pytest.fixture(scope="module")
def base(db_path: Path):
    with serve(db_path, anonymous="read") as url:
        yield url


def logged_in(browser, base: str, **options):
    context = browser.new_context(accept_downloads=True, **options)
    page = context.new_page()
    page.goto(base + "/-/login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORDS["alice"])
    page.click("input[type=submit]")
    return context, page


def status_of(db_path: Path, item_id: int) -> str:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT status FROM triage WHERE item_id = ?", (item_id,)).fetchone()
    return row[0] if row else "new"


def test_monitor_logs_in_and_triages_an_item(browser, base: str) -> None:
    context, page = logged_in(browser, base)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Очередь разбора"
    page.click("text=Court jails activist")
    assert "/-/item/3" in page.url
    assert page.locator(".nm-item-text mark").first.inner_text() == "Article 405"
    page.select_option("select[name=status]", "relevant")
    page.fill("textarea[name=note]", "Verdict confirmed by lawyer")
    page.click("button[value=save]")
    page.reload()
    assert page.get_by_test_id("triage-status").inner_text() == "Важно"
    assert page.get_by_test_id("triage-note").inner_text() == "Verdict confirmed by lawyer"
    assert "alice поставил(а) Важно" in page.locator("text=alice поставил").first.inner_text()
    page.goto(base + "/-/item/4")  # the <script> title must stay text
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    assert dialogs == []
    context.close()


def test_anonymous_reader_cannot_write(browser, base: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/-/item/1")
    assert page.locator("textarea[name=note]").count() == 0
    assert page.locator("text=чтобы разобрать этот материал").count() == 1
    page.goto(base + "/-/login")  # its form hands out a valid CSRF token and cookie
    token = page.locator("input[name=csrftoken]").first.get_attribute("value")
    assert token
    # Even a well-formed POST with the visitor's own CSRF token is refused without a login.
    status = page.evaluate(
        """async (token) => (await fetch('/-/triage/1', {method: 'POST',
             headers: {'content-type': 'application/x-www-form-urlencoded'},
             body: 'status=relevant&csrftoken=' + encodeURIComponent(token)})).status""",
        token,
    )
    assert status == 403
    context.close()


def test_switching_to_kazakh_and_back_is_remembered(browser, base: str) -> None:
    context, page = logged_in(browser, base)
    page.goto(base + "/-/queue")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_role("button", name="Қаз").click()
    assert page.locator("h1").inner_text() == "Қарау кезегі"
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator(".nm-topic-torture").first.inner_text() == "Азаптау"
    other = context.new_page()  # remembered: another page, another screen
    other.goto(base + "/-/dashboard")
    assert other.locator("h1").inner_text() == "Шолу"
    other.get_by_role("button", name="Рус").click()
    assert other.locator("h1").inner_text() == "Обзор"
    page.reload()
    assert page.locator("h1").inner_text() == "Очередь разбора"
    context.close()


def search(page, base: str, words: str) -> list[str]:
    page.goto(base + "/-/queue?show=all")
    page.fill("input[name=q]", words)
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    return page.locator("a.nm-title").all_inner_texts()


def test_search_by_folded_spelling_and_inflected_form(browser, base: str) -> None:
    context, page = logged_in(browser, base)
    titles = search(page, base, "заключенного")  # е for ё
    assert titles == ["В колонии Жанаозена избили заключённого"]
    assert page.locator("mark.nm-hit").all_inner_texts() == ["заключённого"]
    assert search(page, base, "Жаңаөзен") == titles  # the Kazakh spelling
    found = search(page, base, "пытка")  # the singular finds пытках and Пытка
    assert len(found) == 3 and any("пытках" in t for t in found)
    page.click("text=Полицейских обвиняют")
    assert "q=" in page.url
    assert "пытки" in page.locator(".nm-item-text mark.nm-hit").all_inner_texts()
    context.close()


def test_csv_export_of_a_filtered_queue(browser, base: str) -> None:
    context, page = logged_in(browser, base)
    page.goto(base + "/-/queue?show=all&lang=kk")
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Cyrillic right
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["Заголовок"] for r in table] == ["Оралда белсенділер ұсталды",
                                               "Алматыда белсенді ұсталды"]
    assert all(re.search(r"/-/item/\d+$", r["Страница материала"]) for r in table)
    context.close()


def test_save_and_next_with_the_keyboard(browser, base: str, db_path: Path) -> None:
    context, page = logged_in(browser, base)
    page.goto(base + "/-/queue?topic=torture")
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(re.compile(r"/-/item/8\?"))
    assert page.locator(".nm-keys").first.is_visible()
    page.keyboard.press("4")  # follow_up
    assert page.locator("#status").input_value() == "follow_up"
    page.keyboard.press("s")
    page.wait_for_url(re.compile(r"/-/item/6\?topic=torture"))
    assert status_of(db_path, 8) == "follow_up"
    assert page.locator("p.message-info").inner_text().startswith("Сохранено: 1 материал")
    context.close()


def test_bulk_apply_with_confirmation_then_undo(browser, base: str, db_path: Path) -> None:
    context, page = logged_in(browser, base)
    page.goto(base + "/-/queue?show=all&lang=kk")
    page.select_option("select[name=scope]", "all")
    page.select_option(".nm-bulk select[name=status]", "duplicate")
    page.click(".nm-bulk input[type=submit]")
    assert page.get_by_test_id("confirm-count").get_attribute("data-count") == "2"
    assert "2" in page.get_by_test_id("confirm-count").inner_text()
    assert status_of(db_path, 2) == "new"  # nothing changed before the confirmation
    page.get_by_role("button", name=re.compile("Да, изменить 2")).click()
    assert (status_of(db_path, 2), status_of(db_path, 7)) == ("duplicate", "duplicate")
    page.goto(base + "/-/history")
    page.locator("tr", has_text="Дубликат").get_by_role("button", name="Отменить").click()
    assert "Отменено" in page.locator("p.message-info").inner_text()
    assert (status_of(db_path, 2), status_of(db_path, 7)) == ("new", "new")
    context.close()


def test_phone_width_has_no_sideways_scroll(browser, base: str) -> None:
    context, page = logged_in(browser, base, viewport={"width": 360, "height": 740})
    for path in ("/-/queue?show=all", "/-/item/1", "/-/dashboard"):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    context.close()
