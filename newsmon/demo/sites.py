"""Serve the demo's sample sites on 127.0.0.1 and describe them as sources for the spider."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from newsmon.demo.sitegen import bureau_site, pangea_site
from newsmon.demo.siteserver import SiteServer
from sites.sources import Source, load_sources

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles.toml"
SOURCES = HERE / "sources.toml"
#: Each demo source's site, shaped like the real outlet's (Pangea for Azattyq, bureau.kz's
#: WordPress for the Bureau).
SITE_BUILDERS: dict[str, Any] = {
    "azattyq-ru": partial(pangea_site, title="Радио Азаттык"),
    "azattyq-kk": partial(pangea_site, title="Азаттық радиосы"),
    "bureau": bureau_site,
}


def load_articles(path: Path = ARTICLES) -> dict[str, list[dict[str, Any]]]:
    """The sample article records, grouped by the demo source (`site`) they belong to."""
    with open(path, "rb") as handle:
        records = tomllib.load(handle)["article"]
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        grouped[record["site"]].append(record)
    return dict(grouped)


def start_demo_sites() -> tuple[list[Source], list[SiteServer]]:
    """One local server per demo source, and that source re-pointed at its server."""
    articles = load_articles()
    sources, servers = [], []
    for source in load_sources(SOURCES):
        server = SiteServer().start()
        site = SITE_BUILDERS[source.name](articles[source.name], server.base_url)
        server.pages.update(site)
        servers.append(server)
        sources.append(replace(source.with_base_url(server.base_url),
                               feeds=tuple(site.feeds), sections=tuple(site.sections)))
    return sources, servers


def expected_topics() -> dict[str, list[str]]:
    """Title -> the topics a monitor would flag (the sample data's own labels)."""
    return {record["title"]: record["expect_topics"]
            for records in load_articles().values() for record in records}
