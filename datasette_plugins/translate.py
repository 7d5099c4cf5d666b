"""Interface text through gettext, so the ru/kk/en message catalogues can hold it.

The learning pages (Rules, the item page's model and topic-report boxes) write every string
through `gettext` here and `_()` in their templates. Where the interface's Babel catalogues
are installed (`datasette_plugins/i18n.py`) these are theirs; until then messages show as
written and the templates get an identity `_()`, so the pages work either way.
"""

from __future__ import annotations

from typing import Any

try:  # the interface's catalogues, where this tree has them
    from datasette_plugins.i18n import gettext, ngettext  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the tree
    def gettext(message: str) -> str:
        """The message as written (no catalogue installed)."""
        return message

    def ngettext(singular: str, plural: str, n: int) -> str:
        """Singular or plural as written (no catalogue installed)."""
        return singular if n == 1 else plural


def install_fallback(env: Any) -> None:
    """Give a Jinja environment `_()` and `{% trans %}` unless a catalogue already did."""
    if "_" in env.globals:
        return
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)


__all__ = ["gettext", "install_fallback", "ngettext"]
