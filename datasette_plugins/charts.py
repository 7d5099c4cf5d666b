"""Dashboard bars as data; the template draws them as HTML/CSS bars that are links.

Why no chart library: the monitors' server has no internet (no CDN), a vendored library would
add hundreds of KB of JavaScript to review, and bar charts need only widths. HTML bars work
without JavaScript, print, wrap long labels instead of clipping them, fit a phone, and every
bar is a link to the queue filtered to what it counts; every number is also shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.domain import TOPICS

TOPIC_COLOURS = {"torture": "#b2182b", "art405": "#2166ac", "detention": "#b35806"}
OTHER_COLOUR = "#666666"
WEEKS = 12


@dataclass(frozen=True)
class Segment:
    key: str
    value: int
    percent: float  # of the longest bar
    colour: str
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Bar:
    key: str
    total: int
    segments: list[Segment]
    query: dict[str, str] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.isoweekday() - 1)


def week_label(monday: date) -> str:
    """ISO 8601 week, e.g. 2024-W19 (not strftime's %W, which counts from the first Monday)."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_bars(by_day_topic: list[dict], by_day: list[dict], last_day: date,
                weeks: int = WEEKS) -> list[Bar]:
    """The `weeks` ISO weeks up to the one holding `last_day`, oldest first, empty ones too.

    `by_day_topic`: rows of (day, topic, n); `by_day`: rows of (day, n) counting each item
    once. A segment per topic (an item with two topics is in both); the total counts items.
    """
    first = week_start(last_day) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    per_topic: dict[date, dict[str, int]] = {m: {} for m in mondays}
    totals: dict[date, int] = dict.fromkeys(mondays, 0)
    for row in by_day_topic:
        monday = week_start(date.fromisoformat(row["day"]))
        if monday in per_topic:
            topics = per_topic[monday]
            topics[row["topic"]] = topics.get(row["topic"], 0) + int(row["n"])
    for row in by_day:
        monday = week_start(date.fromisoformat(row["day"]))
        if monday in totals:
            totals[monday] += int(row["n"])
    peak = max((sum(t.values()) for t in per_topic.values()), default=0) or 1
    bars = []
    for monday in mondays:
        sunday = monday + timedelta(days=6)
        span = {"date_from": monday.isoformat(), "date_to": sunday.isoformat(), "show": "all"}
        order = [t for t in TOPICS if t in per_topic[monday]]
        order += sorted(set(per_topic[monday]) - set(TOPICS))
        segments = [Segment(topic, n, 100 * n / peak, TOPIC_COLOURS.get(topic, OTHER_COLOUR),
                            {**span, "topic": topic})
                    for topic in order if (n := per_topic[monday][topic])]
        bars.append(Bar(week_label(monday), totals[monday], segments, span, monday, sunday))
    return bars


def simple_bars(rows: list[dict], key: str, filter_key: str,
                colour: str = "#4d4d4d") -> list[Bar]:
    """Rows of (key, n) -> one bar each, scaled to the largest, linking to `filter_key`=key."""
    peak = max((int(r["n"]) for r in rows), default=0) or 1
    bars = []
    for row in rows:
        query = {filter_key: row[key], "show": "all"}
        n = int(row["n"])
        bars.append(Bar(row[key], n, [Segment(row[key], n, 100 * n / peak, colour, query)],
                        query))
    return bars
