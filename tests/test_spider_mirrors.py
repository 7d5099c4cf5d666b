"""Mirrors: when the main host refuses or cannot be reached, the same paths are read from a
mirror host, and the articles are stored under the main host's (canonical) URLs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from newsmon.demo.sitegen import pangea_site
from newsmon.demo.siteserver import Page, SiteServer
from tests.support.crawl import crawl, make_source
from tests.support.sites import make_articles

pytestmark = pytest.mark.crawl


def dead_base_url() -> str:
    """A loopback address nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_an_unreachable_main_host_is_read_through_its_mirror(db_path: Path) -> None:
    articles = make_articles(6)
    main = dead_base_url()
    with SiteServer() as mirror:
        site = pangea_site(articles, main)  # the mirror serves the main host's pages as-is
        mirror.pages.update(site)
        source = make_source(name="azattyq-ru", adapter="pangea", base_url=main,
                             feeds=site.feeds, mirrors=[mirror.base_url])
        result = crawl(source, db_path)
        assert mirror.requested("/a/")
    items = result.new_items()
    assert result.errors == [] and len(items) == 6
    assert all(i["url"].startswith(main + "/a/") for i in items)
    assert all(i["fetched_url"].startswith(mirror.base_url) for i in items)
    assert result.stat("newsmon/mirror_requests") >= 7  # the feed and each article


def test_a_main_host_answering_403_hands_over_to_the_mirror(db_path: Path) -> None:
    articles = make_articles(4)
    with SiteServer() as main, SiteServer() as mirror:
        main.pages.update({path: Page(b"Access denied", 403) for path in
                           pangea_site(articles, main.base_url)})
        site = pangea_site(articles, main.base_url)
        mirror.pages.update(site)
        source = make_source(name="azattyq-ru", adapter="pangea", base_url=main.base_url,
                             feeds=site.feeds, mirrors=[mirror.base_url])
        result = crawl(source, db_path)
        blocked = [r.path for r in main.requests if r.path != "/robots.txt"]
    assert result.errors == [] and len(result.new_items()) == 4
    assert blocked == [site.feeds[0]]  # after the first refusal, straight to the mirror
