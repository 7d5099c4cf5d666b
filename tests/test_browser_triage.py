"""Headless Chromium (Debian's /usr/bin/chromium) drives the triage pages like a monitor."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.datasette import PASSWORDS, make_db, serve

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
def base(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("browser") / "newsmon.db"
    make_db(path)
    with serve(path, anonymous="read") as url:
        yield url


def test_monitor_logs_in_and_triages_an_item(browser, base: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "/-/login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORDS["alice"])
    page.click("input[type=submit]")
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Triage queue"
    page.click("text=Court jails activist")
    assert "/-/item/3" in page.url
    assert page.locator(".nm-item-text mark").first.inner_text() == "Article 405"
    page.select_option("select[name=status]", "relevant")
    page.fill("textarea[name=note]", "Verdict confirmed by lawyer")
    page.click("text=Save triage")
    page.reload()
    assert page.get_by_test_id("triage-status").inner_text() == "relevant"
    assert page.get_by_test_id("triage-note").inner_text() == "Verdict confirmed by lawyer"
    assert "alice set relevant" in page.locator("text=alice set").first.inner_text()
    page.goto(base + "/-/item/4")  # the <script> title must stay text
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    assert dialogs == []
    context.close()


def test_anonymous_reader_cannot_write(browser, base: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/-/item/1")
    assert page.locator("textarea[name=note]").count() == 0
    assert page.locator("text=Log in to triage").count() == 1
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
