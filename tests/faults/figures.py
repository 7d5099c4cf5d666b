"""The fault suite's figures for issue 18, summed per finding from $NEWSMON_FAULTS_REPORT:
`python -m tests.faults.figures [REPORT]` prints the table docs/reliability.md quotes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.faults.helpers import LAST_RUN

KEYS = ("inputs", "tracebacks", "lost", "unauthorised")


def per_finding(report: dict[str, Any]) -> dict[int, dict[str, int | None]]:
    """finding -> summed figures (None where no test of that finding measures a figure)."""
    table: dict[int, dict[str, int | None]] = {}
    for section in report.values():
        if not isinstance(section, dict) or "finding" not in section:
            continue
        row = table.setdefault(int(section["finding"]), dict.fromkeys(KEYS))
        for key in KEYS:
            if isinstance(section.get(key), int):
                row[key] = (row[key] or 0) + section[key]
    return dict(sorted(table.items()))


def markdown(table: dict[int, dict[str, int | None]]) -> str:
    cell = lambda v: "—" if v is None else str(v)  # noqa: E731
    lines = ["| finding | inputs tried | tracebacks / 500s | items lost | unauthorised |",
             "|---|---|---|---|---|"]
    lines += [f"| {n} | " + " | ".join(cell(row[k]) for k in KEYS) + " |"
              for n, row in table.items()]
    totals = {k: sum(row[k] or 0 for row in table.values()) for k in KEYS}
    lines.append("| **all** | " + " | ".join(f"**{totals[k]}**" for k in KEYS) + " |")
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else LAST_RUN
    print(markdown(per_finding(json.loads(path.read_text(encoding="utf-8")))))


if __name__ == "__main__":
    main()
