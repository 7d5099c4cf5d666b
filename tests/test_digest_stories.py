"""Digests by story: one entry per story with its outlets and links; a later report of a story
already sent is mentioned once, as an update."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from alerts.digest import DigestOptions, send_digests
from alerts.subscriptions import Subscription
from store import connect
from stories import catch_up
from tests.support.db import store_item

RU = ("Суд в Актобе приговорил активиста Мурата Сагындыкова к пяти годам ограничения свободы "
      "по статье 405 Уголовного кодекса. Защитник Айдос Бекмуханов обжалует приговор.")
KK = ("Ақтөбе соты белсенді Мұрат Сағындықовты 405-бап бойынша бес жылға бас бостандығын "
      "шектеуге кесті. Қорғаушы Айдос Бекмұханов үкімге шағымданады.")
OTHER = "В Шымкенте задержан блогер Канат Жумабеков; суд арестовал его на десять суток."
SUB = Subscription(email="coord@example.org", name="Coordinator", topics=("art405",),
                   frequency="immediate", label_language="en")


class Outbox:
    sender = "newsmon <newsmon@example.org>"

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def deliver(self, msg: EmailMessage, recipient: str) -> str:
        self.sent.append(msg)
        return "outbox"


def report(path: Path, n: int, text: str, lang: str, source: str, title: str) -> int:
    return store_item(path, f"https://{source}.example/{n}", title, ["art405"], text=text,
                      lang=lang, source=source, published=f"2026-09-1{n}T09:00:00Z",
                      places=("Aktobe",), articles=("405",))


def digest(path: Path) -> str:
    """Group what is stored, send one digest pass; the text part ('' when nothing was sent)."""
    outbox = Outbox()
    db = connect(path)
    try:
        catch_up(db)
        send_digests(db, [SUB], outbox, DigestOptions(
            base_url="http://newsmon.test", now=datetime(2026, 9, 20, tzinfo=UTC)))
    finally:
        db.close()
    if not outbox.sent:
        return ""
    [msg] = outbox.sent
    return msg.get_body(("plain",)).get_content()


def test_one_entry_per_story_then_a_new_report_once_as_an_update(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.db"
    report(path, 1, RU, "ru", "azattyq-ru", "Сторонник ДВК осуждён в Актобе")
    kk = report(path, 2, KK, "kk", "azattyq-kk", "Ақтөбеде ҚДТ жақтасы сотталды")
    report(path, 3, OTHER, "ru", "vlast-kz", "Блогер арестован в Шымкенте")

    first = digest(path)
    assert first.count("\n* ") == 2  # two stories, not three items
    assert "2 reports from 2 outlets (ru, kk):" in first
    assert f"http://newsmon.test/-/item/{kk}" in first
    assert "Subject" not in first and "updates" not in first.lower()

    republished = report(path, 4, RU + " Перепечатка.", "ru", "tirek-info",
                         "Пять лет за листовки: приговор в Актобе")
    second = digest(path)
    assert second.count("\n* ") == 1
    assert "== New reports on stories already sent (1) ==" in second
    assert "New report on: Сторонник ДВК осуждён в Актобе" in second
    assert f"http://newsmon.test/-/item/{republished}" in second

    assert digest(path) == ""  # mentioned once


def test_the_html_part_lists_the_story_with_every_title_escaped(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.db"
    report(path, 1, RU, "ru", "azattyq-ru", "Сторонник ДВК осуждён в Актобе")
    kk = report(path, 2, KK, "kk", "azattyq-kk", "<img src=x onerror=alert(1)> Ақтөбе")
    outbox = Outbox()
    db = connect(path)
    try:
        catch_up(db)
        send_digests(db, [SUB], outbox, DigestOptions(base_url="http://newsmon.test"))
    finally:
        db.close()
    [msg] = outbox.sent
    page = msg.get_body(("html",)).get_content()
    assert "2 reports from 2 outlets (ru, kk):" in page
    assert "&lt;img src=x onerror=alert(1)&gt; Ақтөбе" in page and "<img" not in page
    assert f'href="http://newsmon.test/-/item/{kk}"' in page
