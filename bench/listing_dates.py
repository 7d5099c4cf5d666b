"""Listing days: `extraction.dates.parse_day` (a month table) against dateparser.

Every day of 2024 in each form the fixture sites print (ru/kk/en month names, with and without
a time, dd.mm.yyyy) plus the Kazakh year-first form; prints correct/total per form and the time
per string. Figures: docs/sources.md. Run: python -m bench.listing_dates
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from extraction.dates import parse_day
from newsmon.demo.render import day_text


def cases() -> list[tuple[str, date, str]]:
    found = [("2024 жылғы 28 сәуірде", date(2024, 4, 28), "kk"),
             ("28 апреля 2024 г.", date(2024, 4, 28), "ru")]
    start = datetime(2024, 1, 1, 9, 30, tzinfo=UTC)
    for offset in range(366):
        day = start + timedelta(days=offset)
        for lang in ("ru", "kk", "en"):
            found.append((day_text(day, lang), day.date(), lang))
            found.append((f"{day_text(day, lang)} {day:%H:%M}", day.date(), lang))
        found.append((f"{day:%d.%m.%Y}", day.date(), "dd.mm.yyyy"))
    return found


def measure(parse: Callable[[str], date | None]) -> tuple[dict[str, list[int]], float]:
    """Correct and total per form, and microseconds per string."""
    tally: dict[str, list[int]] = {}
    all_cases = cases()
    began = time.perf_counter()
    for text, want, form in all_cases:
        counts = tally.setdefault(form, [0, 0])
        counts[0] += parse(text) == want
        counts[1] += 1
    return tally, (time.perf_counter() - began) / len(all_cases) * 1e6


def with_dateparser(text: str) -> date | None:
    import dateparser  # installed with trafilatura (htmldate)

    found = dateparser.parse(text, languages=["ru", "kk", "en"],
                             settings={"DATE_ORDER": "DMY"})
    return found.date() if found else None


def main() -> None:
    warnings.simplefilter("ignore")
    for name, parse in (("month table", parse_day), ("dateparser", with_dateparser)):
        tally, micros = measure(parse)
        forms = ", ".join(f"{form} {ok}/{total}" for form, (ok, total) in tally.items())
        print(f"{name}: {forms}; {micros:.1f} µs per string")


if __name__ == "__main__":
    main()
