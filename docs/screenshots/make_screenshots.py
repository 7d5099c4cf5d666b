"""Rebuild docs/screenshots/*.png: invented sample articles, the real classifier, real server.

The queue (searched for an inflected word), an item page and the dashboard, each in Russian
and Kazakh (`queue-ru.png`, `queue-kk.png`, ...), plus the queue at phone width.
Run from the project root: `python docs/screenshots/make_screenshots.py` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from datasette_helpers import PASSWORDS, serve  # noqa: E402

from classifiers import classify  # noqa: E402
from store.db import connect  # noqa: E402
from store.items import save_item  # noqa: E402

OUT = Path(__file__).resolve().parent
# Invented articles (source, lang, date, title, text); no third-party text.
ARTICLES = [
    ("azattyq-ru", "ru", "2024-04-08", "В Актобе задержали участника мирного митинга",
     "Полиция задержала активиста после акции у акимата. Его доставили в отдел полиции."),
    ("azattyq-ru", "ru", "2024-04-16", "Адвокат: подзащитного пытали в изоляторе Караганды",
     "Адвокат заявил, что сотрудники полиции пытали его подзащитного в изоляторе.\n"
     "По словам защиты, на теле остались следы побоев. Прокуратура начала проверку."),
    ("azattyq-kk", "kk", "2024-04-22", "Алматыда белсенді ұсталды",
     "Полиция қызметкерлері белсендіні ұстады. Ол 405-бап бойынша айыпталып отыр."),
    ("vlast-en", "en", "2024-04-29", "Court in Astana jails activist under Article 405",
     "A court in Astana sentenced an activist to prison under Article 405 of the Criminal "
     "Code for participating in a banned opposition movement."),
    ("vlast-ru", "ru", "2024-05-06", "Суд в Шымкенте приговорил активиста по статье 405",
     "Суд признал активиста виновным в участии в деятельности запрещенной организации "
     "по статье 405 Уголовного кодекса."),
    ("azattyq-ru", "ru", "2024-05-13", "<script>alert(1)</script> Жалоба на пытки в колонии",
     "Осужденный пожаловался, что в колонии его избивали и пытали сотрудники."),
    ("kaztag-ru", "ru", "2024-05-14", "В Уральске задержаны трое участников акции",
     "Полиция задержала троих участников акции в Уральске, их доставили в отдел полиции."),
    ("azattyq-kk", "kk", "2024-05-20", "Колонияда сотталғанды азаптады деген шағым",
     "Сотталған түрмеде оны қызметкерлер азаптады деп мәлімдеді."),
    ("vlast-en", "en", "2024-05-21", "Police detain journalist in Almaty",
     "Police detained a journalist in Almaty after he covered a protest, his lawyer said."),
    ("vlast-ru", "ru", "2024-05-22", "Погода в Астане", "Завтра солнечно, без осадков."),
    ("azattyq-kk", "kk", "2024-05-27", "Жаңаөзенде ереуілшілер ұсталды",
     "Жаңаөзен қаласында полиция ереуілге шыққан жұмысшыларды ұстады."),
]
SEARCH = "q=%D0%B7%D0%B0%D0%B4%D0%B5%D1%80%D0%B6%D0%B0%D1%82%D1%8C"  # задержать: задержали, ...
PAGES = (("queue", "/-/queue?show=all"), ("item", f"/-/item/7?{SEARCH}"),
         ("dashboard", "/-/dashboard"))


def build(path: Path) -> None:
    db = connect(path)
    for n, (source, lang, day, title, text) in enumerate(ARTICLES, start=1):
        row = {"url": f"https://{source}.example.kz/a/{n}", "source": source, "title": title,
               "text": text, "lang": lang, "published": f"{day}T09:00:00+05:00",
               "fetched_at": f"{day}T10:00:00+00:00", "content_hash": f"demo{n}"}
        save_item(db, row, classify(title, text, lang))
    db.close()


def login(browser, base: str, locale: str):  # noqa: ANN001, ANN201 - Playwright objects
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale)
    page.goto(base + "/-/login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORDS["alice"])
    page.click("input[type=submit]")
    return page


def shoot(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = login(browser, base, "ru-RU")
        page.goto(base + "/-/item/2")
        page.select_option("select[name=status]", "follow_up")
        page.select_option("select[name=assigned_to]", "bob")
        page.fill("textarea[name=note]", "Запросить у адвоката медицинское заключение.")
        page.click("button[value=save]")
        for lang, button in (("ru", None), ("kk", "Қаз")):  # Russian is the default
            if button:  # a Kazakh browser (date fields), and the interface switched to Kazakh
                page = login(browser, base, "kk-KZ")
                page.goto(base + "/-/queue")
                page.get_by_role("button", name=button).click()
            for name, path in PAGES:
                page.goto(base + path)
                page.screenshot(path=str(OUT / f"{name}-{lang}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + PAGES[0][1])
        page.screenshot(path=str(OUT / "queue-kk-phone.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "newsmon.db"
        build(db_path)
        with serve(db_path) as url:
            shoot(url)
