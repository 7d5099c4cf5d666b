"""Judging a re-fetch against what we kept: unchanged, edited, removed or unreachable."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from evidence.fetch import FetchResult

#: Below this word-sequence similarity, the page at the URL is no longer the article.
SOFT_404_RATIO = 0.3
#: The publisher took the page down (451: for legal reasons).
REMOVED_STATUSES = {404, 410, 451}
BLOCKED_STATUSES = {401, 403, 407, 429}
WHITESPACE = re.compile(r"\s+")
HOME_PATHS = {"", "/index.html", "/index.htm", "/index.php"}


@dataclass(frozen=True)
class Verdict:
    outcome: str  # unchanged | edited | removed | unreachable
    detail: str
    similarity: float | None = None


def similarity(old: str, new: str) -> float:
    """How much of the old text's word sequence the new one keeps (difflib ratio, 0..1)."""
    return difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()


def normalize(text: str | None) -> str:
    return WHITESPACE.sub(" ", text or "").strip()


def is_home_or_section(original: str, final: str) -> bool:
    """True when a redirect lands on the site's front page or a parent section of the article."""
    old_path = urlsplit(original).path.rstrip("/")
    new_path = urlsplit(final).path.rstrip("/")
    if new_path == old_path:
        return False  # the same page: http -> https, www., a trailing slash, a query
    if new_path in HOME_PATHS:
        return True
    return old_path.startswith(new_path + "/")  # /ru/news/2024/x -> /ru/news or /ru


def judge_http(fetched: FetchResult, original_url: str) -> Verdict | None:
    """A verdict from status and redirects alone, or None when the text must decide."""
    if fetched.status is None:
        return Verdict("unreachable", fetched.error or "no answer")
    if fetched.status in REMOVED_STATUSES:
        return Verdict("removed", f"HTTP {fetched.status}")
    if fetched.status in BLOCKED_STATUSES:
        return Verdict("unreachable", f"HTTP {fetched.status} (access refused or blocked)")
    if fetched.status >= 300:
        return Verdict("unreachable", f"HTTP {fetched.status}")
    if fetched.redirects and is_home_or_section(original_url, fetched.final_url):
        return Verdict("removed", f"redirected to {fetched.final_url}")
    return None


def judge_text(baseline: str, new_text: str | None) -> Verdict:
    """Compare the article text now with the kept one (both from the same extractor)."""
    old, new = normalize(baseline), normalize(new_text)
    if not new:
        return Verdict("removed", "no article text on the page (soft 404)", 0.0)
    if old == new:
        return Verdict("unchanged", "same text", 1.0)
    ratio = similarity(old, new)
    if ratio < SOFT_404_RATIO:
        return Verdict("removed", f"page no longer resembles the article (similarity "
                                  f"{ratio:.2f})", ratio)
    return Verdict("edited", f"text changed (similarity {ratio:.2f})", ratio)
