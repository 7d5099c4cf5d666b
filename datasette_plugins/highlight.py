"""Show crawled text safely: every piece HTML-escaped, evidence matches wrapped in <mark>."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from markupsafe import Markup, escape


def evidence_matches(evidence_json: Iterable[str | None]) -> list[str]:
    """Distinct non-empty `match` strings from item_topics.evidence JSON lists."""
    matches: dict[str, None] = {}
    for raw in evidence_json:
        try:
            entries = json.loads(raw or "[]")
        except ValueError:
            continue
        for entry in entries if isinstance(entries, list) else []:
            match = entry.get("match") if isinstance(entry, dict) else None
            if isinstance(match, str) and match.strip():
                matches[match.strip()] = None
    return list(matches)


def highlight(text: str | None, phrases: list[str]) -> Markup:
    """`text` escaped, with case-insensitive occurrences of `phrases` in <mark>.

    Matching runs on the raw text (so an escaped '&amp;' never splits a phrase) and each
    piece is escaped before it is joined, so no crawled markup survives.
    """
    text = text or ""
    if not phrases:
        return escape(text)
    # Longest first, so "азаптады" wins over "азап" where both match.
    pattern = re.compile(
        "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)), re.I
    )
    parts: list[Markup] = []
    last = 0
    for found in pattern.finditer(text):
        parts.append(escape(text[last:found.start()]))
        parts.append(Markup("<mark>%s</mark>") % found.group(0))
        last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def paragraphs(text: str | None, phrases: list[str]) -> list[Markup]:
    """The text split on blank or single newlines into highlighted paragraphs."""
    return [highlight(p, phrases) for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]
