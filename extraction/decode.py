"""Decode an article page whatever its server claims: legacy Cyrillic charsets, wrong headers.

Scrapy trusts the Content-Type charset first; Kazakh and Russian sites still serve
windows-1251 and KOI8-R under a `charset=utf-8` default, or the one under the other's name.
A declaration is believed only when the body decodes under it cleanly and, for 8-bit
Cyrillic charsets, reads like Cyrillic text (mostly lower case; KOI8-R read as windows-1251
is mostly upper case, and the reverse).
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

#: 8-bit Cyrillic charsets a declaration may confuse with each other (canonical codec names).
CYRILLIC_8BIT = ("cp1251", "koi8-r")
#: The lower-case letters of running Russian and Kazakh text.
LOWER = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі")
SAMPLE = 64 * 1024  # scoring more than this changes nothing but the cost
MIN_LETTERS = 20  # too few Cyrillic letters to judge: believe the declaration
_HIGH_BYTES = bytes(range(0x80, 0x100))  # deleted in C to count non-ASCII bytes (issue #9)


def codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip()).name
    except LookupError:
        return None


def strict_decode(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def cyrillic_score(text: str) -> tuple[float, int]:
    """(share of Cyrillic letters that are ordinary lower case, number of Cyrillic letters)."""
    letters = [ch for ch in text[:SAMPLE] if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return 0.0, 0
    return sum(ch in LOWER for ch in letters) / len(letters), len(letters)


def best_cyrillic(body: bytes) -> tuple[str, str] | None:
    """The 8-bit Cyrillic reading of `body` that looks like text, if one clearly does."""
    best: tuple[float, str, str] | None = None
    for encoding in CYRILLIC_8BIT:
        text = strict_decode(body, encoding)
        if text is None:
            continue
        score, count = cyrillic_score(text)
        if count >= MIN_LETTERS and score >= 0.7 and (best is None or score > best[0]):
            best = (score, text, encoding)
    return (best[1], best[2]) if best else None


def looks_utf8(body: bytes) -> bool:
    """True for non-ASCII bytes that are UTF-8 but for a few broken sequences (< 2%)."""
    sample = body[:SAMPLE]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if not high:
        return False
    broken = sample.decode("utf-8", errors="replace").count("\ufffd")
    return broken <= high * 0.02


def declared_encodings(body: bytes, content_type: str, fallback: str | None) -> list[str]:
    """Header charset, then <meta charset>, then what Scrapy settled on; canonical, unique."""
    labels = (http_content_type_encoding(content_type), html_body_declared_encoding(body[:4096]),
              fallback)
    names = [codec_name(label) for label in labels]
    return list(dict.fromkeys(n for n in names if n))


def decode_html(body: bytes, content_type: str = "", fallback: str | None = "utf-8"
                ) -> tuple[str, str]:
    """(text, codec name) of an HTML body; never raises, replaces only what nothing decodes.

    (Nearly) valid UTF-8 wins over any declaration (other charsets never form it), then the
    declarations in order, then the Cyrillic charset the text reads best in.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    if looks_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8"
    for encoding in declared_encodings(body, content_type, fallback):
        text = strict_decode(body, encoding)
        if text is None:
            continue
        if encoding in CYRILLIC_8BIT:
            score, count = cyrillic_score(text)
            if count >= MIN_LETTERS and score < 0.5 and (better := best_cyrillic(body)):
                return better
        return text, encoding
    if better := best_cyrillic(body):
        return better
    encoding = codec_name(fallback) or "utf-8"
    return body.decode(encoding, errors="replace"), encoding
