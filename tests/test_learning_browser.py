"""Headless Chromium: a monitor reports a missed topic from the item page and finds it, with
the rule's figures, on the Rules page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.datasette import PASSWORDS, make_db, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium missing (apt-get install chromium; CI does)"
)]


def test_a_monitor_reports_a_miss_and_sees_it_on_the_rules_page(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    db_path = tmp_path / "newsmon.db"
    ids = make_db(db_path)
    weather = ids["Погода в Астане"]  # the sample's one unflagged item
    with serve(db_path) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base + "/-/login")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORDS["alice"])
        page.click("input[type=submit]")
        page.goto(f"{base}/-/item/{weather}")
        page.select_option("#nm-choice", "missed:detention")
        page.fill("#nm-report-note", "a protester was held at the square")
        page.click("#topic-report input[type=submit]")
        report = page.get_by_test_id("topic-report")
        assert report.get_attribute("data-verdict") == "missed"
        assert "пропущено: Задержания" in report.inner_text()
        assert page.locator("#nm-choice option[value='missed:detention']").count() == 0

        page.click(".nm-nav a:text-is('Правила')")
        missed = page.locator(f".nm-missed[data-item='{weather}']")
        assert "a protester was held at the square" in missed.inner_text()
        row = page.locator("tr[data-rule='ru.torture.pytki']")
        assert row.locator(".nm-hits").inner_text() == "2"
        row.locator("a").click()
        assert page.locator("tr[data-item]").count() == 2
        browser.close()
