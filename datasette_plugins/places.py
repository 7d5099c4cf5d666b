"""Places as monitors read them: regions made of cities, names in their language, and the
spellings a search for a place should also find."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path

from store import search

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "regions.toml"


@cache
def region_of() -> dict[str, str]:
    """City -> its region (canonical names); a region or unknown place is its own region."""
    with open(REGIONS_FILE, "rb") as handle:
        return dict(tomllib.load(handle)["region_of"])


def region(place: str) -> str:
    return region_of().get(place, place)


def members(name: str) -> list[str]:
    """The place values a region filter covers: the region itself and its cities."""
    return [name, *sorted(city for city, reg in region_of().items()
                          if reg == name and city != name)]


def membership_json() -> str:
    """City -> region as JSON, for SQL that rolls places up to regions (json_each)."""
    return json.dumps(region_of(), ensure_ascii=False)


@cache
def search_groups() -> tuple[tuple[str, ...], ...]:
    """Spelling groups for search: the gazetteer's variants plus our names in each language."""
    from datasette_plugins.i18n import all_place_names

    variants = search.load_place_variants()
    merged = {name: [*names, name, *all_place_names(name)] for name, names in variants.items()}
    return search.place_groups(merged)


# Cities first then the region row itself: an item naming only "Aktobe Region" is counted
# under the region but under no city.
REGION_SQL = """
    WITH m(place, region) AS (SELECT key, value FROM json_each(:membership))
    SELECT coalesce(m.region, e.value) AS region, count(DISTINCT e.item_id) AS n
    FROM item_entities e LEFT JOIN m ON m.place = e.value
    WHERE e.kind = 'place' AND e.item_id IN (SELECT id FROM items WHERE flagged = 1)
    GROUP BY 1 ORDER BY n DESC, region"""
CITY_SQL = """
    SELECT e.value AS place, count(DISTINCT e.item_id) AS n
    FROM item_entities e
    WHERE e.kind = 'place' AND e.value IN (SELECT value FROM json_each(:members))
      AND e.item_id IN (SELECT id FROM items WHERE flagged = 1)
    GROUP BY 1 ORDER BY n DESC, place"""
