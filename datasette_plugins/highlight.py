"""Show crawled text safely: every piece HTML-escaped, evidence and search hits marked.

Evidence phrases (what the classifier matched) are wrapped in <mark>; words the search box
found are wrapped in <mark class="nm-hit">, decided by the same folding and prefixes as the
index (store/search.py), so what is highlighted is what was found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from store.search import WORD_RE, Term, fold


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


def search_hits(text: str, terms: list[Term]) -> Markup:
    """`text` escaped, each word a search term matches in <mark class="nm-hit">."""
    if not terms:
        return escape(text)
    parts: list[Markup] = []
    last = 0
    for found in WORD_RE.finditer(text):
        folded = fold(found.group(0))
        if any(t.matches(folded) for t in terms):
            parts.append(escape(text[last:found.start()]))
            parts.append(Markup('<mark class="nm-hit">%s</mark>') % found.group(0))
            last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def highlight(text: str | None, phrases: list[str], terms: list[Term] | None = None) -> Markup:
    """`text` escaped, with case-insensitive occurrences of `phrases` in <mark> and search
    hits marked inside and between them.

    Matching runs on the raw text (so an escaped '&amp;' never splits a phrase) and each
    piece is escaped before it is joined, so no crawled markup survives.
    """
    text = text or ""
    terms = terms or []
    if not phrases:
        return search_hits(text, terms)
    # Longest first, so "азаптады" wins over "азап" where both match.
    pattern = re.compile(
        "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)), re.I
    )
    parts: list[Markup] = []
    last = 0
    for found in pattern.finditer(text):
        parts.append(search_hits(text[last:found.start()], terms))
        parts.append(Markup("<mark>%s</mark>") % search_hits(found.group(0), terms))
        last = found.end()
    parts.append(search_hits(text[last:], terms))
    return Markup("").join(parts)


def paragraphs(text: str | None, phrases: list[str],
               terms: list[Term] | None = None) -> list[Markup]:
    """The text split on blank or single newlines into highlighted paragraphs."""
    return [highlight(p, phrases, terms)
            for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]
