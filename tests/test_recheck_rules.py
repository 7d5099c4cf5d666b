"""The re-check rules as pure functions: schedule, redirects, similarity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from evidence.judge import is_home_or_section, judge_text
from evidence.recheck import is_due, parse_schedule

ARTICLE = "https://rus.azattyq.org/a/pytki-v-aktobe/32912345.html"
NOW = datetime(2024, 3, 1, tzinfo=UTC)
SCHEDULE = (1, 7, 30, 90)


@pytest.mark.parametrize(("final", "expected"), [
    ("https://rus.azattyq.org/", True),
    ("https://rus.azattyq.org/index.html", True),
    ("https://rus.azattyq.org/a", True),  # the section
    ("https://www.azattyq.org/", True),
    ("https://rus.azattyq.org/a/pytki-v-aktobe/32912345.html/", False),  # same page
    ("http://rus.azattyq.org/a/pytki-v-aktobe/32912345.html?amp", False),
    ("https://rus.azattyq.org/a/pytki-v-aktobe-obnovleno/32912345.html", False),  # new slug
])
def test_home_or_section_redirects(final: str, expected: bool) -> None:
    assert is_home_or_section(ARTICLE, final) is expected


@pytest.mark.parametrize(("first_seen", "last_checked", "due"), [
    ("2024-02-29T12:00:00+00:00", None, False),  # 12 hours old
    ("2024-02-28T00:00:00+00:00", None, True),  # day 1 passed
    ("2024-02-28T00:00:00+00:00", "2024-02-29T06:00:00+00:00", False),  # day 1 done
    ("2024-02-20T00:00:00Z", "2024-02-21T06:00:00+00:00", True),  # day 7 passed
    ("2023-01-01T00:00:00+00:00", None, True),  # missed checkpoints: one check
    ("2023-01-01T00:00:00+00:00", "2023-06-01T00:00:00+00:00", False),  # past day 90
    (None, None, False),
])
def test_schedule_backs_off(first_seen: str | None, last_checked: str | None,
                            due: bool) -> None:
    assert is_due(first_seen, last_checked, SCHEDULE, NOW) is due


def test_parse_schedule() -> None:
    assert parse_schedule("30, 1,7,90,7") == (1, 7, 30, 90)
    with pytest.raises(ValueError):
        parse_schedule("")


def test_text_verdicts() -> None:
    text = "один два три четыре пять шесть семь восемь девять десять"
    assert judge_text(text, "  " + text.replace(" ", "\n")).outcome == "unchanged"
    assert judge_text(text, text.replace("пять", "5")).outcome == "edited"
    assert judge_text(text, "Главная Погода Курс валют").outcome == "removed"
    assert judge_text(text, None).outcome == "removed"
