"""One search behaviour for every search box: folded spellings, Russian stems, place variants.

The index (`items_search`, FTS5) holds title and text *folded* in SQL: Kazakh letters become
their Russian neighbours (ә ғ қ ң ө ұ ү һ і -> а г к н о у у х и), ё becomes е, and FTS5's
unicode61 tokenizer lowercases and strips Latin diacritics. Folding is plain SQL `replace()`,
so the triggers that keep the index in step work on any connection (the sqlite3 shell too).

A query is folded the same way in Python; each word is stemmed (Snowball: Russian for
Cyrillic, English for Latin) and searched as a *prefix*: "пытка" -> пытк* finds пытки,
"колония" -> колон* finds колонии, a Kazakh word typed in part finds its suffixed forms.
A word naming a place also matches the place's other spellings (Уральск <-> Орал <-> Oral).
Words are ANDed. `detail=none` keeps the index small: no phrase or column queries.
Prefix indexes for 3, 4 and 5 letters (the usual length of a stem) let a prefix query read
one list instead of merging every word it covers: 20x faster for a word in most items.
A third column holds FLAG_TOKEN for flagged items, so the queue (flagged items only) asks
the index for flagged matches directly (`flagged_only`) instead of sifting all of them.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlite_utils

FOLD_PAIRS = {
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ё": "е",
}
# Upper case too: SQL folds before the tokenizer lowercases.
FOLD_MAP = {**FOLD_PAIRS, **{k.upper(): v.upper() for k, v in FOLD_PAIRS.items()}}
FOLD_TABLE = str.maketrans(FOLD_MAP)
# unicode61's token characters: letters and digits (underscore and marks separate tokens).
WORD_RE = re.compile(r"[^\W_]+")
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
LATIN_RE = re.compile(r"[a-z]")
# A pattern in places.toml that starts with a whole capitalised word: 'Орал(?:да|...)'.
PATTERN_WORD_RE = re.compile(r"^([^\W\d_][^\W_]{3,})(?=[\\(\[?]|$)")
MAX_WORDS = 10
PREFIXES = "3 4 5"  # FTS5 prefix indexes (letters)
FLAG_TOKEN = "zzflaggeditem"  # a word no article contains
MIN_PREFIX = 3
# A typed word is a place name when it is a variant plus at most this many letters (Уральске).
MAX_ENDING = 4
FTS_TABLE = "items_search"
SOURCE_VIEW = "items_search_src"
MATCH_SQL = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"
PLACES_FILE = Path(__file__).resolve().parent.parent / "classifiers" / "data" / "places.toml"


def sql_fold(expr: str) -> str:
    """SQL that folds the string `expr` (nested replace(), one per letter)."""
    for letter, plain in FOLD_MAP.items():
        expr = f"replace({expr}, '{letter}', '{plain}')"
    return expr


def fold(text: str) -> str:
    """Python twin of the index's folding: lower case, letters mapped, Latin diacritics gone."""
    text = (text or "").lower().translate(FOLD_TABLE)
    if text.isascii():
        return text
    out = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and out and out[-1].isascii():
            continue  # unicode61 remove_diacritics 2 strips marks from Latin letters only
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def words(text: str) -> list[str]:
    """Folded words as the index's tokenizer splits them."""
    return WORD_RE.findall(fold(text))


@cache
def _stemmer(language: str):  # noqa: ANN202 - PyStemmer has no type hints
    import Stemmer

    return Stemmer.Stemmer(language)


def stem_prefix(word: str) -> str:
    """The prefix a folded word is searched by: its stem, cut to what the word starts with."""
    if CYRILLIC_RE.search(word):
        stem = _stemmer("russian").stemWord(word)
    elif LATIN_RE.search(word):
        stem = _stemmer("english").stemWord(word)
    else:
        return word
    prefix = os.path.commonprefix([word, stem])
    return prefix if len(prefix) >= MIN_PREFIX else word


@dataclass(frozen=True)
class Term:
    """One typed word: matched by any indexed word that starts with one of `prefixes`
    (or, for a two-letter word, equals it)."""

    word: str
    prefixes: tuple[str, ...]
    exact: bool = False

    def matches(self, folded_word: str) -> bool:
        if self.exact:
            return folded_word == self.word
        return folded_word.startswith(self.prefixes)

    def fts(self) -> str:
        if self.exact:
            return f'"{self.word}"'
        alternatives = " OR ".join(f'"{p}"*' for p in self.prefixes)
        return f"({alternatives})" if len(self.prefixes) > 1 else alternatives


def _pattern_words(patterns: Iterable[str]) -> list[str]:
    return [m.group(1) for p in patterns if (m := PATTERN_WORD_RE.match(p))]


def load_place_variants(path: Path = PLACES_FILE) -> dict[str, list[str]]:
    """Canonical place name -> its one-word spellings from the classifier's gazetteer."""
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    return {entry["name"]: [*entry.get("names", []), *_pattern_words(entry.get("patterns", []))]
            for entry in raw.get("place", [])}


def place_groups(variants: Mapping[str, Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    """Folded one-word spellings per place, at least four letters each."""
    groups = []
    for names in variants.values():
        folded = {w[0] for n in names if len(w := words(n)) == 1 and len(w[0]) >= 4}
        if folded:
            groups.append(tuple(sorted(folded)))
    return tuple(groups)


def _is_variant(word: str, variant: str) -> bool:
    if word.startswith(variant):
        return len(word) - len(variant) <= MAX_ENDING
    return len(word) >= 4 and variant.startswith(word)


def parse(query: str, groups: Iterable[tuple[str, ...]] = ()) -> list[Term]:
    """The query's words as Terms (one-letter words are dropped, at most MAX_WORDS)."""
    terms: list[Term] = []
    for word in dict.fromkeys(words(query)):
        if len(word) < 2 or len(terms) == MAX_WORDS:
            continue
        if len(word) == 2 and not word.isdigit():
            terms.append(Term(word, (word,), exact=True))
            continue
        places = [g for g in groups if any(_is_variant(word, v) for v in g)]
        # A place name is searched by its spellings, not by a stem ("орал" is not "ора").
        prefixes = {word, *(v for g in places for v in g)} if places else {stem_prefix(word)}
        # A shorter prefix already covers a longer one.
        kept = sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))
        terms.append(Term(word, tuple(kept)))
    return terms


def match_expression(terms: list[Term]) -> str | None:
    """An FTS5 MATCH string for `terms` (all must match); None when there is nothing to find."""
    return " AND ".join(t.fts() for t in terms) or None


def flagged_only(expression: str) -> str:
    """`expression` restricted to flagged items."""
    return f'{expression} AND "{FLAG_TOKEN}"'


def matches(terms: list[Term], text: str) -> bool:
    """Whether `text` holds every term (the Python twin of the MATCH, for tests and checks)."""
    found = words(text)
    return bool(terms) and all(any(t.matches(w) for w in found) for t in terms)


# --- the index ---------------------------------------------------------------------------

# Re-index an item only when what the index holds changes: not on a re-crawl that only
# touches fetched_at, nor on a reclassification that leaves `flagged` as it was.
TRIGGERS = {
    "items_search_ai": "AFTER INSERT ON items BEGIN {insert} END",
    "items_search_ad": "AFTER DELETE ON items BEGIN {delete} END",
    "items_search_au": "AFTER UPDATE OF title, text, flagged ON items WHEN "
                       "old.title IS NOT new.title OR old.text IS NOT new.text "
                       "OR old.flagged IS NOT new.flagged BEGIN {delete} {insert} END",
}


def _values(row: str = "") -> tuple[str, str, str]:
    """SQL for the three indexed values (title, text, tag) of `row` (new, old or items)."""
    prefix = f"{row}." if row else ""
    return (sql_fold(prefix + "title"), sql_fold(prefix + "text"),
            f"CASE WHEN {prefix}flagged = 1 THEN '{FLAG_TOKEN}' END")


def _columns_sql(row: str) -> str:
    return ", ".join(_values(row))


def _trigger_sql() -> dict[str, str]:
    insert = (f"INSERT INTO {FTS_TABLE} (rowid, title, text, tag) "
              f"VALUES (new.id, {_columns_sql('new')});")
    delete = (f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, text, tag) "
              f"VALUES ('delete', old.id, {_columns_sql('old')});")
    return {name: f"CREATE TRIGGER {name} {body.format(insert=insert, delete=delete)}"
            for name, body in TRIGGERS.items()}


def create_index(db: sqlite_utils.Database, triggers: bool = True) -> None:
    """Create the folded index (empty) over a view of `items`; with its triggers by default."""
    db.execute(f"DROP VIEW IF EXISTS {SOURCE_VIEW}")
    title, text, tag = _values()
    db.execute(f"CREATE VIEW {SOURCE_VIEW} AS SELECT id, {title} AS title, {text} AS text, "
               f"{tag} AS tag FROM items")
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, text, tag, "
        f"content='{SOURCE_VIEW}', content_rowid='id', detail=none, prefix='{PREFIXES}', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    if triggers:
        create_triggers(db)


def create_triggers(db: sqlite_utils.Database) -> None:
    """(Re)create the triggers that keep the index in step with `items`."""
    for name, sql in _trigger_sql().items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(sql)


def drop_triggers(db: sqlite_utils.Database) -> None:
    """For bulk loads: drop the triggers, then `rebuild` and `create_triggers` after."""
    for name in TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(db: sqlite_utils.Database) -> None:
    """Re-index every item from the folding view."""
    db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


def search_ids(db: sqlite_utils.Database, query: str, groups: Iterable[tuple[str, ...]] = (),
               limit: int = 100) -> list[int]:
    """Ids of the items matching `query`, newest stored first (for scripts and tests)."""
    expression = match_expression(parse(query, groups))
    if expression is None:
        return []
    sql = (f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? "
           "ORDER BY rowid DESC LIMIT ?")
    return [row[0] for row in db.execute(sql, [expression, limit]).fetchall()]
