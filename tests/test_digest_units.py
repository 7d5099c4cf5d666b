"""The digest's pure parts: when a digest is due, message building, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from alerts.contents import Digest, DigestItem, DigestNotice
from alerts.message import build_message, message_id, one_line
from alerts.select import is_due, period_start
from alerts.transport import SmtpSettings, TransportConfigError

ALMATY = ZoneInfo("Asia/Almaty")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ALMATY)


@pytest.mark.parametrize(("frequency", "now", "start"), [
    ("daily", "2024-11-21 07:00:03", "2024-11-21 07:00:00"),
    ("daily", "2024-11-21 06:59:59", "2024-11-20 07:00:00"),
    ("weekly", "2024-11-21 08:00:00", "2024-11-18 07:00:00"),  # Thursday -> Monday
    ("weekly", "2024-11-18 06:00:00", "2024-11-11 07:00:00"),  # Monday before 07:00
])
def test_period_start(frequency: str, now: str, start: str) -> None:
    assert period_start(frequency, at(now), 7) == at(start)


def test_daily_cron_at_seven_never_skips_a_day_by_a_few_seconds() -> None:
    yesterday_send = at("2024-11-20 07:00:05").astimezone(UTC).isoformat()
    assert is_due("daily", yesterday_send, at("2024-11-21 07:00:02"), ALMATY, 7)
    assert not is_due("daily", yesterday_send, at("2024-11-20 23:00:00"), ALMATY, 7)


def test_due_rules() -> None:
    now = at("2024-11-21 12:00:00")
    just_now = (now - timedelta(minutes=1)).isoformat()
    assert is_due("immediate", just_now, now, ALMATY, 7)
    assert is_due("daily", None, now, ALMATY, 7)
    assert not is_due("daily", just_now, now, ALMATY, 7)
    assert is_due("daily", (now - timedelta(days=1)).isoformat(), now, ALMATY, 7)
    assert not is_due("weekly", (now - timedelta(days=2)).isoformat(), now, ALMATY, 7)
    assert is_due("weekly", (now - timedelta(days=7)).isoformat(), now, ALMATY, 7)


def item(item_id: int, group: str, title: str = "T") -> DigestItem:
    return DigestItem(id=item_id, title=title, url=f"https://a.test/{item_id}", source="s",
                      lang="ru", published=f"2024-11-{10 + item_id}T00:00:00", topics=(group,),
                      group=group, snippet="", item_link=None)


def test_message_id_is_stable_and_order_free() -> None:
    assert message_id("A@x.test", [3, 1, 2], "d") == message_id("a@x.test", [1, 2, 3], "d")
    assert message_id("a@x.test", [1, 2], "d") != message_id("a@x.test", [1, 2, 3], "d")


def test_russian_subject_and_header_safety() -> None:
    digest = Digest(recipient="a@example.org", name="Айгерим\r\nBcc: x@y.test",
                    label_language="ru", origin="table",
                    items=(item(1, "torture"), item(2, "detention"), item(3, "detention")),
                    when=at("2024-11-21 07:00:00"))
    msg = build_message(digest, "newsmon <alerts@newsmon.test>", ("torture", "art405",
                                                                  "detention"))
    assert msg["Subject"] == "newsmon: пытки 1, задержания 2 — 21 нояб."
    assert msg["Bcc"] is None
    assert "\n" not in str(msg["To"]) and "a@example.org" in str(msg["To"])
    assert one_line("a\r\nb\tc\u2028d") == "a b c d"


def notice(recheck_id: int, kind: str, title: str = "T\r\nBcc: x@y.test") -> DigestNotice:
    return DigestNotice(recheck_id=recheck_id, item_id=recheck_id, kind=kind, title=title,
                        url=f"https://a.test/{recheck_id}", source="s",
                        checked_at=f"2024-11-2{recheck_id}T02:00:00+00:00", detail="HTTP 404",
                        item_link=None)


def test_notices_count_in_the_subject_and_keep_the_message_id_apart() -> None:
    digest = Digest(recipient="a@example.org", name="A", label_language="ru", origin="table",
                    items=(item(1, "torture"),), when=at("2024-11-21 07:00:00"),
                    notices=(notice(1, "edited"), notice(2, "removed"), notice(3, "removed")))
    msg = build_message(digest, "newsmon <alerts@newsmon.test>", ("torture",))
    assert msg["Subject"] == "newsmon: пытки 1, удалено 2, изменено 1 — 21 нояб."
    assert msg["Message-ID"] == message_id("a@example.org", [1], "newsmon.test", [1, 2, 3])
    assert message_id("a@example.org", [1], "d") != message_id("a@example.org", [1], "d", [1])
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    section = text[text.index("== Удалено или изменено после отметки (3) =="):]
    # Removed before edited, the latest re-check first; crawled titles stay on one line.
    assert section.index("* [удалено] T Bcc: x@y.test\n  Источник: s | Повторная проверка: "
                         "23 нояб. 2024, 07:00 (время Алматы, UTC+5) | Итог: удалено: HTTP 404\n"
                         "  Оригинал: https://a.test/3\n") \
        < section.index("Оригинал: https://a.test/2") < section.index("* [изменено] T")


def test_a_digest_of_notices_only() -> None:
    digest = Digest(recipient="a@example.org", name="A", label_language="en", origin="table",
                    items=(), when=at("2024-11-21 07:00:00"), notices=(notice(1, "removed"),))
    msg = build_message(digest, "newsmon <alerts@newsmon.test>", ("torture",))
    assert msg["Subject"] == "newsmon: 1 removed — 21 Nov"
    assert "flagged items removed or edited" in msg.get_body(("plain",)).get_content()


def test_password_is_never_shown() -> None:
    settings = SmtpSettings.from_env({"NEWSMON_SMTP_HOST": "mail.test",
                                      "NEWSMON_SMTP_SECURITY": "starttls",
                                      "NEWSMON_SMTP_USER": "u",
                                      "NEWSMON_SMTP_PASSWORD": "s3cret"})
    assert settings.port == 587 and "s3cret" not in repr(settings)
    with pytest.raises(TransportConfigError, match="NEWSMON_SMTP_SECURITY"):
        SmtpSettings.from_env({"NEWSMON_SMTP_HOST": "h", "NEWSMON_SMTP_SECURITY": "tls"})


def test_kazakh_digest_with_almaty_times() -> None:
    dated = DigestItem(id=1, title="T", url="https://a.test/1", source="s", lang="kk",
                       published="2024-11-12T04:00:00+00:00", topics=("torture",),
                       group="torture", snippet="", item_link=None)
    digest = Digest(recipient="a@example.org", name="Айгерим", label_language="kk",
                    origin="table", items=(dated, item(2, "art405")),
                    when=at("2024-11-21 07:00:00"))
    msg = build_message(digest, "newsmon <alerts@newsmon.test>", ("torture", "art405"))
    assert msg["Subject"] == "newsmon: азаптау 1, 405-бап 1 — 21 қар."
    text = msg.get_body(("plain",)).get_content()
    assert "== азаптау (1) ==" in text and "Дереккөз: " in text
    assert "Күні: 12 қар. 2024, 09:00 (Алматы уақыты, UTC+5)" in text
    assert '<html lang="kk">' in msg.get_body(("html",)).get_content()
