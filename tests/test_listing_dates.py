"""Days as listings print them: month names in Russian, Kazakh and English, dd.mm.yyyy, ISO."""

from __future__ import annotations

from datetime import date

import pytest

from extraction.dates import parse_day

D = date(2024, 4, 28)


@pytest.mark.parametrize(("text", "day"), [
    ("28 апреля 2024", D),  # Pangea, Russian services
    ("28 апреля 2024 г., 14:05", D),
    ("1 мая 2024", date(2024, 5, 1)),  # the one two-letter stem
    ("28 сәуір 2024", D),  # Pangea, Kazakh service
    ("2024 жылғы 28 сәуірде", D),  # Kazakh year-first form, locative ending
    ("12 мамыр 2024", date(2024, 5, 12)),  # Kazakh May: not Russian "ма(й)"
    ("3 маусым 2023", date(2023, 6, 3)),
    ("5 qazan 2023", date(2023, 10, 5)),  # Kazakh Latin (2021 alphabet)
    ("23 желтоқсан 2022", date(2022, 12, 23)),
    ("April 28, 2024", D),  # Pangea, English services
    ("April 28, 2024 3:00 AM", D),
    ("3 Mar 2024", date(2024, 3, 3)),
    ("26.05.2025", date(2025, 5, 26)),  # bureau.kz
    ("2024-04-28T03:00:00-04:00", D),  # time[datetime]
])
def test_listing_days(text: str, day: date) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize("text", [
    "", "14:30", "сегодня", "32 апреля 2024", "31.02.2024", "28 апреля",
    "Марат 5 жыл бұрын, 1999 жылы",  # a name that starts like "март", numbers far from it
    "Мария получила 5 лет, 2024",  # ... and next to them, but no month at all
])
def test_not_a_day(text: str) -> None:
    assert parse_day(text) is None
