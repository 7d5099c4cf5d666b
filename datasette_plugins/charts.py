"""Dashboard bars as data for inline SVG drawn by the template.

Why server-side SVG and not a chart library: the monitors' server has no internet (no CDN),
a vendored library would add hundreds of KB of JavaScript to review and update, and two bar
charts need only rectangle widths. The SVG is plain markup, works without JavaScript, prints,
and every number is also shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass

TOPIC_COLOURS = {"torture": "#b2182b", "art405": "#2166ac", "detention": "#b35806"}
OTHER_COLOUR = "#666666"
BAR_WIDTH = 360  # px for the largest value


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    segments: list[Segment]


def stacked_bars(rows: list[dict], weeks: int = 12) -> list[Bar]:
    """Rows of (week, topic, n) -> one stacked bar per week, the latest `weeks`, oldest first."""
    by_week: dict[str, dict[str, int]] = {}
    for row in rows:
        by_week.setdefault(row["week"], {})[row["topic"]] = int(row["n"])
    chosen = sorted(by_week)[-weeks:]
    peak = max((sum(by_week[w].values()) for w in chosen), default=0) or 1
    bars = []
    for week in chosen:
        x, segments = 0.0, []
        for topic, value in sorted(by_week[week].items()):
            width = BAR_WIDTH * value / peak
            segments.append(Segment(topic, value, x, width,
                                    TOPIC_COLOURS.get(topic, OTHER_COLOUR)))
            x += width
        bars.append(Bar(week, sum(by_week[week].values()), segments))
    return bars


def simple_bars(rows: list[dict], label_key: str, colour: str = "#4d4d4d") -> list[Bar]:
    """Rows of (label, n) -> one single-segment bar each, scaled to the largest."""
    peak = max((int(r["n"]) for r in rows), default=0) or 1
    return [
        Bar(r[label_key], int(r["n"]),
            [Segment(r[label_key], int(r["n"]), 0.0, BAR_WIDTH * int(r["n"]) / peak, colour)])
        for r in rows
    ]
