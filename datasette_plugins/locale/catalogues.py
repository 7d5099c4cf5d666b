"""Keep the interface's message catalogues in step with the code (a developer's tool).

    python -m datasette_plugins.locale.catalogues          # refresh newsmon.pot and the .po files
    python -m datasette_plugins.locale.catalogues --check  # list what is not translated

Messages come from the templates and Python code (`_`, `gettext`, `ngettext`, `pgettext`,
`{% trans %}`) and from data: triage statuses, topics, places (gazetteer and regions),
languages and entity kinds, each under its own context ("status", "topic", "place", ...).
Translators edit `<lang>/LC_MESSAGES/newsmon.po`; the server reads the .po files directly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.domain import TOPICS, TRIAGE_STATUSES

LOCALE_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = LOCALE_DIR.parent
DOMAIN = "newsmon"
LANGUAGES = ("ru", "kk", "en")
METHODS = [("**/locale/**.py", "ignore"), ("**.py", "python"),
           ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}
# Messages other packages show through our templates (the login error, the home crumb).
FOREIGN = ("Invalid username or password", "home")
ENTITY_KINDS = ("person", "place", "article")


def data_messages() -> list[tuple[str, str]]:
    """(context, message id) pairs that come from data rather than from code."""
    from datasette_plugins.places import region_of
    from store.search import load_place_variants

    places = sorted({*load_place_variants(), *region_of().values()})
    return ([("status", s) for s in TRIAGE_STATUSES] + [("topic", t) for t in TOPICS]
            + [("place", p) for p in places]
            + [(c, lang) for c in ("language", "autonym") for lang in LANGUAGES]
            + [("language", "?")] + [("entity", k) for k in ENTITY_KINDS])


def template() -> Catalog:
    """Every message the interface can show (the .pot)."""
    catalog = Catalog(domain=DOMAIN, project="newsmon", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE_DIR, METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True):
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments,
                    context=context)
    for message in FOREIGN:
        catalog.add(message, locations=[("datasette-auth-passwords", 0)])
    for context, message in data_messages():
        catalog.add(message, context=context, locations=[("data", 0)])
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="newsmon")
    with open(path, "rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def missing(lang: str, pot: Catalog | None = None) -> list[str]:
    """Messages `lang` does not translate. English may leave plain messages to their id."""
    pot = pot or template()
    catalog = load(lang)
    out = []
    for message in pot:
        if not message.id:
            continue
        if lang == "en" and not message.context:
            continue
        found = catalog.get(message.id, context=message.context)
        text = found.string if found else None
        if not text or (isinstance(text, tuple) and not all(text)) or (found and found.fuzzy):
            out.append(f"{message.context + '|' if message.context else ''}{message.id}")
    return out


def update() -> None:
    """Write newsmon.pot and merge it into each language's .po file."""
    pot = template()
    with open(LOCALE_DIR / f"{DOMAIN}.pot", "wb") as handle:
        write_po(handle, pot, omit_header=False, sort_output=True)
    for lang in LANGUAGES:
        catalog = load(lang)
        catalog.update(pot, no_fuzzy_matching=True)
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with open(po_path(lang), "wb") as handle:
            write_po(handle, catalog, sort_output=True, ignore_obsolete=True, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list missing translations")
    args = parser.parse_args(argv)
    if not args.check:
        update()
    gaps = {lang: missing(lang) for lang in LANGUAGES}
    for lang, messages in gaps.items():
        for message in messages:
            print(f"{lang}: not translated: {message}")
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
