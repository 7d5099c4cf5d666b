"""Issue 18, finding 3: neither the crawl nor the re-check reaches a private address (also when
a public-looking name resolves to one), nothing from one is ever shown, and a source's proxy
carries every request, robots.txt included.

DNS is stood in for by resolver injection (no real lookups, no /etc/hosts edits): the re-check
takes a `getaddrinfo`-shaped function, the crawl's guard wraps the reactor's resolver, and the
test wraps a fake one that maps `news.example.kz`-style names to 127.0.0.1.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from twisted.internet import defer
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from crawler.downloadermiddlewares.private import GuardedResolver
from evidence.fetch import PoliteFetcher
from evidence.recheck import PageReader, recheck_item
from newsmon.demo.siteserver import SiteServer, html, redirect, xml
from store import connect
from tests.faults.helpers import article_html, article_text, record_finding, rss
from tests.support.crawl import _reactor, crawl, make_source
from tests.support.datasette import Client, serve
from tests.support.db import rows
from tests.support.evidence import PARAGRAPHS, add_item, set_html
from tests.support.evidence import article_html as evidence_page
from tests.support.net import closed_port_url

SECRET = "metadata-secret-token-7f3a"
TITLE = "Задержанного избили в изоляторе"
REBIND = "news.rebind-test.kz"  # a public-looking name that "DNS" maps to 127.0.0.1


def fake_getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list:
    if host == REBIND:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
    raise socket.gaierror(f"{host}: no such name in the test's DNS")


@implementer(IResolverSimple)
class FakeDNS:
    """IResolverSimple answering REBIND with 127.0.0.1 and delegating anything else."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred:  # noqa: N802
        if name == REBIND:
            return defer.succeed("127.0.0.1")
        return self.real.getHostByName(name, timeout)


@contextmanager
def fake_dns() -> Iterator[None]:
    """The session reactor resolves REBIND to 127.0.0.1 through the crawl's guard."""
    from twisted.internet import threads

    reactor = _reactor()
    previous = reactor.resolver
    real = previous.inner if isinstance(previous, GuardedResolver) else previous
    threads.blockingCallFromThread(reactor, lambda: defer.succeed(
        reactor.installResolver(GuardedResolver(FakeDNS(real)))))
    try:
        yield
    finally:
        threads.blockingCallFromThread(reactor, lambda: defer.succeed(
            reactor.installResolver(previous)))


def a_site(server: SiteServer, base: str, count: int = 2) -> None:
    paths = [f"/news/{n}.html" for n in range(count)]
    for n, path in enumerate(paths):
        server.pages[path] = html(article_html(f"Задержание {n}", article_text(n)))
    server.pages["/rss"] = xml(rss(paths))


@pytest.mark.crawl
def test_the_crawl_refuses_a_public_name_that_resolves_to_a_private_address(
        db_path: Path) -> None:
    with SiteServer() as server, fake_dns():
        base = f"http://{REBIND}:{server.port}"
        a_site(server, base)
        source = make_source(name="rebind", adapter="feed", base_url=base, feeds=["/rss"])
        refused = crawl(source, db_path)
        assert server.requests == []  # not even robots.txt
        allowed = crawl(source, db_path, settings={"NEWSMON_PRIVATE_HOSTS": [REBIND]})
    assert [(e["stage"], e["reason"]) for e in refused.errors] == [
        ("feed", f"refused: {REBIND} resolves to a private address (127.0.0.1)")]
    assert len(allowed.new_items()) == 2  # control: the fake DNS really was used
    record_finding(3, "dns_guard_crawl", {"inputs": 1, "unauthorised": 0})


def test_the_recheck_refuses_a_public_name_that_resolves_to_a_private_address(
        db_path: Path) -> None:
    with SiteServer() as site:
        set_html(site, "/a.html", evidence_page(TITLE, PARAGRAPHS))
        url = f"http://{REBIND}:{site.port}/a.html"
        db = connect(db_path)
        item_id, _ = add_item(db, url, evidence_page(TITLE, PARAGRAPHS))
        item = {"id": item_id, "url": url, "text": ""}
        refused = recheck_item(db, item, PoliteFetcher(delay=0, resolve=fake_getaddrinfo))
        assert site.requests == []
        allowed = recheck_item(db, item, PoliteFetcher(delay=0, resolve=fake_getaddrinfo,
                                                       private_hosts=[REBIND]))
        db.close()
    assert refused.outcome == "unreachable" and "resolves to a private address" in refused.detail
    assert allowed.outcome == "unchanged"  # control


@pytest.mark.crawl
def test_robots_txt_and_every_crawl_request_go_through_the_sources_proxy(db_path: Path
                                                                         ) -> None:
    origin = closed_port_url("").rstrip("/")  # nothing listens: only the proxy can answer
    with SiteServer() as proxy:
        a_site(proxy, origin)
        source = make_source(name="proxied", adapter="feed", base_url=origin, feeds=["/rss"],
                             proxy=proxy.base_url)
        result = crawl(source, db_path)
    paths = proxy.paths()
    assert f"{origin}/robots.txt" in paths and f"{origin}/rss" in paths
    assert all(p.startswith(origin + "/") for p in paths), paths  # absolute form: proxied
    assert len(result.new_items()) == 2 and result.errors == []


def test_the_recheck_goes_through_the_sources_proxy(db_path: Path) -> None:
    origin = closed_port_url("").rstrip("/")
    with SiteServer() as proxy:
        set_html(proxy, "/a.html", evidence_page(TITLE, PARAGRAPHS))
        db = connect(db_path)
        item_id, _ = add_item(db, origin + "/a.html", evidence_page(TITLE, PARAGRAPHS))
        result = recheck_item(db, {"id": item_id, "url": origin + "/a.html", "text": ""},
                              PoliteFetcher(delay=0), PageReader(proxy=proxy.base_url))
        db.close()
    assert result.outcome == "unchanged", result.detail
    assert proxy.paths() == [f"{origin}/robots.txt", f"{origin}/a.html"]


@pytest.mark.e2e
def test_a_redirect_to_an_internal_service_is_neither_kept_nor_shown(db_path: Path) -> None:
    with SiteServer() as site, SiteServer() as metadata:
        set_html(metadata, "/latest/meta-data", f"<html><body><p>{SECRET}</p></body></html>")
        url = site.base_url + "/a.html"
        add_item(connect(db_path), url, evidence_page(TITLE, PARAGRAPHS))
        site.pages["/a.html"] = redirect(metadata.base_url + "/latest/meta-data", 302)
        db = connect(db_path)
        result = recheck_item(db, db["items"].get(1), PoliteFetcher(delay=0))
        db.close()
        assert metadata.requests == []
    assert result.outcome == "unreachable" and rows(db_path, "SELECT count(*) FROM snapshots"
                                                    ) == [(1,)]
    shown = []
    with serve(db_path, anonymous="read") as base:
        visitor = Client(base)
        for path in ("/-/item/1", "/newsmon/rechecks.json", "/newsmon/snapshots.json",
                     "/newsmon/item_versions.json", "/newsmon/changed_or_removed.json"):
            reply = visitor.get(path)
            assert reply.status == 200, path
            if SECRET in reply.text:
                shown.append(path)
    assert shown == []
    record_finding(3, "recheck_outside", {"inputs": 4, "unauthorised": len(shown)})
