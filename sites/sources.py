"""The outlets to crawl, loaded from `sources.toml` and validated before any request is made.

Where the default file is found (`default_sources_path`): `$NEWSMON_SOURCES`, then
`./sources.toml` in the working directory, then `sources.toml` at the project root next to the
installed package (source checkouts and editable installs). A wheel install without a checkout
passes `--sources FILE` or sets `NEWSMON_SOURCES`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from sites import ADAPTERS

REQUIRED = ("name", "title", "adapter", "base_url", "languages")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CHANNEL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")  # Telegram's username rule
FETCH_MODES = ("http", "browser")
PATH_KEYS = ("feeds", "sitemaps", "sections")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = PROJECT_ROOT / "sources.toml"


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file, the source and why."""


@dataclass(frozen=True)
class Source:
    """One outlet: where it lives and how the generic spider reads it. Paths are host-relative."""

    name: str
    title: str
    adapter: str
    base_url: str
    languages: tuple[str, ...]
    country: str = ""
    enabled: bool = True
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()  # listing pages: Pangea `/z/<id>`, WordPress `/category/x/`
    url_pattern: str = ""  # regex an article URL must match (sitemap/feed adapters)
    body_selector: str = ""
    proxy: str = ""
    rest_api: str = ""  # WordPress REST posts endpoint, for `--since` backfill
    listing_pages: int = 3  # listing pages walked per run when not backfilling
    fetch: str = "http"  # "browser": pages through headless Chromium (Cloudflare-protected)
    mirrors: tuple[str, ...] = ()  # other hosts serving the same paths, tried when blocked
    channel: str = ""  # Telegram channel username (adapter "telegram")
    notes: str = ""

    def url(self, path: str) -> str:
        """An absolute URL on this source's host for a host-relative `path`."""
        return urljoin(self.base_url, path)

    def with_base_url(self, base_url: str) -> Source:
        """The same source pointed at another host (a mirror, a local fixture site).

        Its `mirrors` belong to the real host, so they are dropped: a copy never leads back.
        """
        _check_base_url(base_url, "with_base_url", self.name)
        return replace(self, base_url=base_url.rstrip("/") + "/", mirrors=())

    def hosts(self) -> tuple[str, ...]:
        """The base URL and the mirrors' base URLs, in the order they are tried."""
        return (self.base_url, *self.mirrors)


KNOWN_KEYS = {f.name for f in fields(Source)}


def default_sources_path() -> Path:
    """`$NEWSMON_SOURCES`, else ./sources.toml, else the project's own sources.toml."""
    if env := os.environ.get("NEWSMON_SOURCES"):
        return Path(env)
    local = Path.cwd() / "sources.toml"
    return local if local.is_file() else DEFAULT_SOURCES


def _split(url: str) -> Any:
    """urlsplit, or None for a string that is not a URL at all (e.g. "http://[::1")."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _check_base_url(url: Any, where: str, name: str, err: Any = None) -> None:
    """An http(s) URL with a host, a usable port and no query; `err` (else a SourcesError)
    names the place."""
    key = "mirror" if err else "base_url"
    err = err or (lambda problem: SourcesError(f"{where}: source {name!r}: {problem}"))
    parts = _split(url) if isinstance(url, str) and url.isprintable() else None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise err(f"{key} {url!r} is not an http(s) URL")
    try:
        if parts.port == 0:
            raise ValueError("port 0")
    except ValueError:
        raise err(f"{key} {url!r} has no usable port (1-65535)") from None
    if parts.query or parts.fragment:
        raise err(f"{key} {url!r} has a query or fragment")


def _relative(value: Any, base_url: str, key: str, err: Any) -> str:
    """A key's path made host-relative; absolute URLs must be on the base_url host."""
    if not isinstance(value, str) or not value.strip():
        raise err(f"{key} entries must be non-empty strings, got {value!r}")
    parts = _split(value)
    if parts is None:
        raise err(f"{key}: {value!r} is not a URL or path")
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https"):
            raise err(f"{key}: {value!r} is not an http(s) URL")
        if parts.netloc.lower() != urlsplit(base_url).netloc.lower():
            raise err(f"{key}: {value!r} is off the base_url host {urlsplit(base_url).netloc}")
        return parts.path + (f"?{parts.query}" if parts.query else "")
    if not value.startswith("/"):
        raise err(f"{key}: path {value!r} must start with '/'")
    return value


def _check_types(entry: dict[str, Any], err: Any) -> None:
    strings = ("name", "title", "adapter", "base_url", "country", "url_pattern", "body_selector",
               "proxy", "rest_api", "notes", "fetch", "channel")
    for key in strings:
        if key in entry and not isinstance(entry[key], str):
            raise err(f"{key} must be a string, got {entry[key]!r}")
    for key in ("languages", "mirrors", *PATH_KEYS):
        if key in entry and not isinstance(entry[key], list):
            raise err(f"{key} must be a list, got {entry[key]!r}")
    if "enabled" in entry and not isinstance(entry["enabled"], bool):
        raise err(f"enabled must be true or false, got {entry['enabled']!r}")
    pages = entry.get("listing_pages", 1)
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 0:
        raise err(f"listing_pages must be a non-negative integer, got {pages!r}")


def _check_values(entry: dict[str, Any], err: Any) -> None:
    if entry["adapter"] not in ADAPTERS:
        raise err(f"unknown adapter {entry['adapter']!r} (known: {', '.join(ADAPTERS)})")
    if not NAME_RE.match(entry["name"]):
        raise err("name must be lower-case letters, digits, '-' or '_'")
    if not entry["languages"] or not all(isinstance(x, str) and x for x in entry["languages"]):
        raise err("languages must list at least one language code")
    if entry.get("url_pattern"):
        try:
            re.compile(entry["url_pattern"])
        except re.error as exc:
            raise err(f"url_pattern is not a valid regex: {exc}") from None
    proxy = entry.get("proxy", "")
    parts = _split(proxy) if proxy else None
    if proxy and (not parts or parts.scheme not in ("http", "https") or not parts.hostname):
        raise err(f"proxy {proxy!r} is not an http(s) proxy URL")
    for key in ADAPTERS[entry["adapter"]].required:
        if not entry.get(key):
            raise err(f"adapter {entry['adapter']!r} needs a non-empty {key}")
    if entry.get("fetch", "http") not in FETCH_MODES:
        raise err(f"fetch must be one of {', '.join(FETCH_MODES)}, got {entry['fetch']!r}")
    if entry.get("channel") and not CHANNEL_RE.match(entry["channel"]):
        raise err(f"channel {entry['channel']!r} is not a Telegram username (letters, digits, _)")
    for mirror in entry.get("mirrors", []):
        _check_base_url(mirror, "", entry["name"], err)


def _source(entry: dict[str, Any], path: Path, index: int) -> Source:
    label = entry.get("name") if isinstance(entry.get("name"), str) else f"#{index + 1}"

    def err(problem: str) -> SourcesError:
        return SourcesError(f"{path}: source {label!r}: {problem}")

    unknown = sorted(set(entry) - KNOWN_KEYS)
    if unknown:
        raise err(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})")
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        raise err(f"missing required field(s) {', '.join(missing)}")
    _check_types(entry, err)
    _check_base_url(entry["base_url"], str(path), label)
    _check_values(entry, err)
    data = {**ADAPTERS[entry["adapter"]].defaults, **entry}
    base_url = entry["base_url"].rstrip("/") + "/"
    for key in PATH_KEYS:
        data[key] = tuple(_relative(v, base_url, key, err) for v in data.get(key, ()))
    if data.get("rest_api"):
        data["rest_api"] = _relative(data["rest_api"], base_url, "rest_api", err)
    data.update(base_url=base_url, languages=tuple(entry["languages"]),
                mirrors=tuple(m.rstrip("/") + "/" for m in entry.get("mirrors", ())))
    return Source(**data)


def parse_sources(data: dict[str, Any], path: Path) -> list[Source]:
    """Validated sources from an already-parsed TOML document."""
    extra = sorted(set(data) - {"source"})
    if extra:
        raise SourcesError(f"{path}: unknown top-level key(s) {', '.join(extra)}; use [[source]]")
    entries = data.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourcesError(f"{path}: 'source' must be an array of tables ([[source]])")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        source = _source(entry, path, index)
        if source.name in seen:
            raise SourcesError(f"{path}: source {source.name!r}: duplicate name")
        seen.add(source.name)
        sources.append(source)
    return sources


def load_sources(path: str | os.PathLike[str] | None = None) -> list[Source]:
    """All sources of a TOML file (enabled or not), validated; SourcesError on any problem."""
    file = Path(path) if path is not None else default_sources_path()
    try:
        with file.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise SourcesError(f"{file}: cannot read sources file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{file}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise SourcesError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_sources(data, file)


def get_source(sources: list[Source], name: str) -> Source:
    """The source called `name`; SourcesError naming the known ones otherwise."""
    for source in sources:
        if source.name == name:
            return source
    known = ", ".join(s.name for s in sources)
    raise SourcesError(f"no source named {name!r} (known: {known})")
