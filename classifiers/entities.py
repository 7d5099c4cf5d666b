"""Entities: Criminal Code articles, Kazakhstan places, watch-list people, KZ relevance.

Places and people come from data files (``classifiers/data/*.toml``) validated on load
and compiled once into a ``Gazetteer``. Names are matched as capitalised stems plus a
short suffix, which covers Russian case endings (Райхерта, Райхерту) and Kazakh
agglutination (Ақтөбеде, Мамайдың) without a morphological analyser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .scan import Found
from .validate import RulesError, Tables, check_keys, compile_regex, read_toml

DATA_DIR = Path(__file__).with_name("data")
_SUFFIX = r"[\w'’]{0,8}(?!\w)"
_FIRST_SUFFIX = r"\w{0,4}(?!\w)"

POLITICAL_ARTICLES = frozenset({"146", "174", "179", "180", "258", "274", "405"})
_ARTICLE_RES = (
    re.compile(r"(?<!\w)(?:ст\.|стать\w*|статей)\s*(\d{2,3})(?![\d.,]\d)", re.I),
    re.compile(r"(?<![\d.,])(\d{2,3})\s*[-–]?\s*(?:й|я|ой|ая)?\s+стать\w*", re.I),
    re.compile(r"(?<![\d.,])(\d{2,3})\s*[-–]?\s*ба[бп]\w*", re.I),
    re.compile(r"(?<!\w)(?:art\.|articles?)\s*(\d{2,3})(?![\d.,]\d)", re.I),
)
_CRIMINAL_CONTEXT = re.compile(r"УК|уголовн|criminal|[ҚқК]К\b|қылмыстық|penal code", re.I)
_OTHER_CODE = re.compile(
    r"КоАП|административн|administrative|әкімшілік|ӘҚБтК|конституц|constitution|"
    r"гражданск|civil code|ГК|процессуальн|procedure|трудов|налогов|Закона?\b|заңы",
    re.I,
)


@dataclass(frozen=True)
class Named:
    """A canonical name with the compiled pattern that finds its mentions."""

    name: str
    kind: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Gazetteer:
    """Compiled places, watch-list people and Kazakhstan-relevance markers."""

    places: tuple[Named, ...]
    persons: tuple[Named, ...]
    kz_markers: re.Pattern[str]


def _alternation(names: list[str]) -> str:
    """Escape literal names into one regex alternation, longest first."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def _load_places(path: Path) -> tuple[tuple[Named, ...], re.Pattern[str]]:
    """Read places.toml: [[place]] entries and the [kz_markers] patterns."""
    raw = read_toml(path)
    check_keys(raw, path.name, {"place": Tables, "kz_markers": dict}, {"description": str})
    check_keys(raw["kz_markers"], f"{path.name}: [kz_markers]", {"patterns": list}, {})
    markers = compile_regex("|".join(raw["kz_markers"]["patterns"]), f"{path.name}: [kz_markers]")
    places = []
    for i, entry in enumerate(raw["place"]):
        where = f"{path.name}: [[place]] #{i + 1}"
        check_keys(entry, where, {"name": str, "kind": str}, {"names": list, "patterns": list})
        where = f"{where} ({entry['name']})"
        if entry["kind"] not in ("city", "region"):
            raise RulesError(f"{where}: kind must be 'city' or 'region'")
        parts = list(entry.get("patterns", []))
        if entry.get("names"):
            parts.append(f"(?:{_alternation(entry['names'])}){_SUFFIX}")
        if not parts:
            raise RulesError(f"{where}: needs 'names' or 'patterns'")
        pattern = compile_regex("|".join(parts), where, ignore_case=False)
        places.append(Named(entry["name"], entry["kind"], pattern))
    return tuple(places), markers


def _person_pattern(entry: dict, where: str) -> re.Pattern[str]:
    """Surname stems (any case ending); with require_first, a first name beside them."""
    surname = f"(?:{_alternation(entry['surnames'])}){_SUFFIX}"
    if not entry.get("require_first", False):
        return compile_regex(surname, where, ignore_case=False)
    if not entry.get("first_names"):
        raise RulesError(f"{where}: require_first needs 'first_names'")
    first = f"(?:{_alternation(entry['first_names'])}){_FIRST_SUFFIX}"
    return compile_regex(f"{first}\\s+{surname}|{surname}\\s+{first}", where, ignore_case=False)


def _load_persons(path: Path) -> tuple[Named, ...]:
    """Read watchlist.toml: [[person]] entries with spellings in several scripts."""
    raw = read_toml(path)
    check_keys(raw, path.name, {"person": Tables}, {"description": str})
    persons = []
    for i, entry in enumerate(raw["person"]):
        where = f"{path.name}: [[person]] #{i + 1}"
        optional = {"first_names": list, "require_first": bool, "note": str, "held": bool}
        check_keys(entry, where, {"name": str, "surnames": list}, optional)
        where = f"{where} ({entry['name']})"
        if not entry["surnames"]:
            raise RulesError(f"{where}: 'surnames' is empty")
        # held = false: not a prisoner (e.g. in exile), so the name is no custody evidence
        kind = "person" if entry.get("held", True) else "person-free"
        persons.append(Named(entry["name"], kind, _person_pattern(entry, where)))
    return tuple(persons)


def load_gazetteer(data_dir: Path | None = None) -> Gazetteer:
    """Load and validate places.toml and watchlist.toml from ``data_dir``."""
    base = data_dir or DATA_DIR
    places, markers = _load_places(base / "places.toml")
    return Gazetteer(
        places=places, persons=_load_persons(base / "watchlist.toml"), kz_markers=markers
    )


def find_articles(text: str) -> list[str]:
    """Criminal Code article numbers, in order of first mention."""
    found: dict[str, int] = {}
    for regex in _ARTICLE_RES:
        for match in regex.finditer(text):
            number = match.group(1)
            after = re.split(r"[,;]", text[match.end(1) : match.end(1) + 40])[0]
            around = text[max(0, match.start() - 70) : match.end(1) + 70]
            if _OTHER_CODE.search(after) and not _CRIMINAL_CONTEXT.search(after):
                continue
            if _CRIMINAL_CONTEXT.search(around) or number in POLITICAL_ARTICLES:
                found[number] = min(found.get(number, match.start()), match.start())
    return sorted(found, key=found.__getitem__)


def find_places(found: Found, gazetteer: Gazetteer) -> list[str]:
    """Canonical place names; a city inside a matched region name is not repeated."""
    region_spans: list[tuple[int, int]] = []
    hits: dict[str, int] = {}
    for place in sorted(gazetteer.places, key=lambda p: p.kind != "region"):
        for span in found.spans(place.pattern):
            if place.kind == "city" and any(s <= span[0] < e for s, e in region_spans):
                continue
            if place.kind == "region":
                region_spans.append(span)
            hits.setdefault(place.name, span[0])
    return sorted(hits, key=hits.__getitem__)


def find_persons(found: Found, gazetteer: Gazetteer) -> list[str]:
    """Canonical names of watch-list people mentioned in the text."""
    hits = {p.name: spans[0][0] for p in gazetteer.persons if (spans := found.starts(p.pattern))}
    return sorted(hits, key=hits.__getitem__)


def is_kz_relevant(found: Found, places: list[str], gazetteer: Gazetteer) -> bool:
    """True when the text names a Kazakhstan place or institution, whatever the outlet."""
    return bool(places) or bool(found.starts(gazetteer.kz_markers))
