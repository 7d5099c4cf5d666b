"""One crawl of a hostile site: every bad input is recorded, every good article is stored.

The site mixes ordinary articles with every fault in issue #7 (broken feeds, a 10,000-item
feed, Cyrillic legacy charsets with missing and wrong declarations, a 20 MB page, an endless
stream, a page that never answers, HTTP errors, redirect loops and offsite redirects, empty,
binary, NUL-laden and broken-UTF-8 pages, a 1 MB one-line article).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsmon.demo.siteserver import SiteServer, html
from tests.faults.helpers import (
    FAST,
    Measured,
    article_html,
    article_text,
    feed_source,
    measured_newsmon,
    record_figures,
    rows,
    rss,
)
from tests.support.hostile import (
    endless_chunked,
    huge,
    page,
    redirect,
    silent,
)

pytestmark = pytest.mark.e2e

FEED_CAP = 100  # NEWSMON_MAX_ARTICLES_PER_FEED for this run
BULK = 10_000
TIMEOUT_S = 3
MEMORY_BOUND_MIB = 600


@dataclass(frozen=True)
class Good:
    """An article that must be stored with this title and a text containing `phrase`."""

    title: str
    phrase: str


def cyrillic(n: int, encoding: str, header: str | None, meta: bool) -> tuple[object, Good]:
    """A Russian article in a legacy charset; header/meta say what the server claims."""
    title = f"Суд в Актобе: дело {n} ({encoding})"
    text = article_text(n, "Суд приговорил журналиста за публикацию")
    body = article_html(title, text, encoding if meta else None).encode(encoding)
    content_type = f"text/html; charset={header}" if header else "text/html"
    return page(body, content_type=content_type), Good(title, f"журналиста за публикацию номер {n}")


def hostile_site(other_base: str) -> tuple[dict, dict[str, Good], dict[str, tuple[str, str]]]:
    """(routes, good articles by path, expected errors by path: (stage, reason fragment))."""
    routes: dict = {}
    good: dict[str, Good] = {}
    for n in range(1, 4):
        title = f"Обычная статья {n}"
        routes[f"/good/{n}.html"] = page(article_html(title, article_text(n)))
        good[f"/good/{n}.html"] = Good(title, f"активиста в Алматы номер {n}")
    routes["/good/relative.html"] = page(article_html("Относительная ссылка", article_text(4)))
    good["/good/relative.html"] = Good("Относительная ссылка", "номер 4")
    charsets = [  # (path, encoding, header charset, <meta charset>)
        ("/cp1251/header.html", "windows-1251", "windows-1251", False),
        ("/cp1251/meta.html", "windows-1251", None, True),
        ("/cp1251/none.html", "windows-1251", None, False),
        ("/cp1251/wrong.html", "windows-1251", "utf-8", False),
        ("/koi8/header.html", "koi8-r", "koi8-r", False),
        ("/koi8/meta.html", "koi8-r", None, True),
        ("/koi8/none.html", "koi8-r", None, False),
        ("/koi8/wrong.html", "koi8-r", "windows-1251", False),
    ]
    for n, (path, encoding, header, meta) in enumerate(charsets, start=10):
        routes[path], good[path] = cyrillic(n, encoding, header, meta)
    line = " ".join(article_text(n) for n in range(100, 1900))[: 1024 * 1024]
    routes["/oneline.html"] = page(article_html("Одна строка", line).replace("\n", " "))
    good["/oneline.html"] = Good("Одна строка", "активиста в Алматы номер 100")
    nul_text = article_text(20).replace(" ", " \x00", 5)
    routes["/nul.html"] = page(article_html("Нулевые\x00 байты", nul_text))
    good["/nul.html"] = Good("Нулевые байты", "номер 20")
    broken = article_html("Битый UTF-8", article_text(21)).encode().replace(
        "правозащитники 3".encode(), "правозащитники 3".encode() + b"\xff\xfe\xc3")
    routes["/badutf8.html"] = page(broken)
    good["/badutf8.html"] = Good("Битый UTF-8", "активиста в Алматы номер 21")
    for n in range(BULK):
        routes[f"/bulk/{n}.html"] = page(article_html(f"Лента {n}", article_text(1000 + n)))

    errors = {
        "/feeds/html.xml": ("feed", "not"),
        "/feeds/truncated.xml": ("feed", "not XML"),
        "/feeds/bulk.xml": ("feed", f"first {FEED_CAP}"),
        "/big.html": ("fetch", "DOWNLOAD_MAXSIZE"),
        "/endless.html": ("fetch", "DOWNLOAD_MAXSIZE"),
        "/silent.html": ("fetch", f"timeout after {TIMEOUT_S}s"),
        "/loop/a.html": ("fetch", "redirect"),
        "/offhost.html": ("fetch", "offsite"),
        "/empty.html": ("extract", "no article text"),
        "/binary.html": ("extract", "binary content"),
        **{f"/status/{code}.html": ("fetch", f"HTTP {code}")
           for code in (403, 404, 410, 429, 500, 503)},
    }
    routes.update({
        "/feeds/html.xml": page("<html><body><p>Это не лента</p></body></html>"),
        "/feeds/truncated.xml": page(rss([f"/good/{n}.html" for n in range(1, 4)])[:150],
                                     content_type="application/rss+xml"),
        "/feeds/bulk.xml": page(rss([f"/bulk/{n}.html" for n in range(BULK)]),
                                content_type="application/rss+xml"),
        "/big.html": huge(20 * 1024 * 1024),
        "/endless.html": endless_chunked(),
        "/silent.html": silent(),
        "/loop/a.html": redirect("/loop/b.html"),
        "/loop/b.html": redirect("/loop/a.html"),
        "/offhost.html": redirect(f"{other_base}/elsewhere.html"),
        "/empty.html": page(b""),
        "/binary.html": page(os.urandom(256 * 1024)),
        **{f"/status/{code}.html": page(b"no", code, headers={"Retry-After": "3600"}
                                        if code in (429, 503) else {})
           for code in (403, 404, 410, 429, 500, 503)},
    })
    links = [p for p in good if p != "/good/relative.html"] + [
        p for p in errors if not p.startswith("/feeds/")]
    links += ["good/relative.html", "javascript:alert(document.cookie)", "mailto:x@example.org",
              "javascript://%0aalert(1)", "data:text/html,<script>alert(1)</script>"]
    routes["/feeds/main.xml"] = page(rss(links), content_type="application/rss+xml")
    return routes, good, errors


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    """Crawl the hostile site once; yield (result, db, server, good, errors, other server)."""
    tmp = tmp_path_factory.mktemp("hostile")
    with SiteServer({"/elsewhere.html": html(article_html("Чужой", article_text(99)))}) as other:
        routes, good, errors = hostile_site(other.base_url)
        with SiteServer(routes) as server:
            feeds = ["/feeds/main.xml", "/feeds/html.xml", "/feeds/truncated.xml",
                     "/feeds/bulk.xml"]
            sources = feed_source(tmp / "sources.toml", "hostile", server.base_url, feeds)
            db = tmp / "newsmon.db"
            result = measured_newsmon(
                "--db", str(db), "crawl", "--sources", str(sources), *FAST,
                "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT_S}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                "-s", f"NEWSMON_MAX_ARTICLES_PER_FEED={FEED_CAP}", tmp=tmp, timeout=180)
        yield result, db, server, good, errors, other


def errors_by_path(db: Path, base: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for url, stage, reason in rows(db, "SELECT url, stage, reason FROM crawl_errors"):
        found.setdefault(url.removeprefix(base), []).append((stage, reason))
    return found


def test_run_completes_quickly_with_exit_1_and_bounded_memory(hostile_crawl):
    result, db, server, good, errors, _ = hostile_crawl
    result: Measured
    assert result.returncode == 1, result.stderr[-3000:]
    assert "crawl_errors" in result.stderr
    assert 0 < result.peak_rss_mib < MEMORY_BOUND_MIB
    assert rows(db, "SELECT status FROM crawl_runs") == [("errors",)]
    stored = rows(db, "SELECT count(*) FROM items")[0][0]
    recorded = errors_by_path(db, server.base_url)
    record_figures("bad_inputs", {
        "exit_code": result.returncode, "seconds": result.seconds,
        "peak_rss_mib": result.peak_rss_mib, "memory_bound_mib": MEMORY_BOUND_MIB,
        "good_articles_expected": len(good) + FEED_CAP, "items_stored": stored,
        "bad_urls_injected": len(errors),
        "bad_urls_recorded": sum(1 for p in errors if p in recorded),
        "crawl_errors_rows": rows(db, "SELECT count(*) FROM crawl_errors")[0][0],
        "feed_items_offered": BULK, "feed_items_followed": FEED_CAP,
        "requests_served": len(server.paths()),
    })


def test_every_good_article_is_stored_with_the_right_text(hostile_crawl):
    _, db, server, good, _, _ = hostile_crawl
    stored = {url.removeprefix(server.base_url): (title, text)
              for url, title, text in rows(db, "SELECT url, title, text FROM items")}
    missing = sorted(set(good) - set(stored))
    assert not missing, missing
    for path, expected in good.items():
        title, text = stored[path]
        assert title == expected.title, (path, title)
        assert expected.phrase in text, (path, text[:300])
        assert "\x00" not in title + text, path


@pytest.mark.parametrize("path", ["/cp1251/header.html", "/cp1251/meta.html", "/cp1251/none.html",
                                  "/cp1251/wrong.html", "/koi8/header.html", "/koi8/meta.html",
                                  "/koi8/none.html", "/koi8/wrong.html"])
def test_legacy_cyrillic_charsets_decode_correctly(hostile_crawl, path):
    _, db, server, good, _, _ = hostile_crawl
    found = rows(db, "SELECT title, text FROM items WHERE url = ?", (server.base_url + path,))
    assert found, f"{path} not stored"
    title, text = found[0]
    assert title == good[path].title
    assert good[path].phrase in text
    assert "\ufffd" not in title + text


def test_every_bad_url_has_a_crawl_error_with_stage_and_reason(hostile_crawl):
    _, db, server, _, errors, _ = hostile_crawl
    recorded = errors_by_path(db, server.base_url)
    for path, (stage, fragment) in errors.items():
        assert path in recorded, f"{path}: nothing in crawl_errors ({sorted(recorded)})"
        stages = [s for s, _ in recorded[path]]
        reasons = " | ".join(r for _, r in recorded[path])
        assert stage in stages, (path, recorded[path])
        assert fragment.lower() in reasons.lower(), (path, recorded[path])
        assert all(r.strip() for _, r in recorded[path]), path


def test_big_and_endless_responses_are_cut_at_download_maxsize(hostile_crawl):
    _, db, server, _, _, _ = hostile_crawl
    recorded = errors_by_path(db, server.base_url)
    assert "8388608" in recorded["/big.html"][0][1]  # refused on Content-Length, not read
    assert "mid-stream" in recorded["/endless.html"][0][1]
    big_bytes = [p for p in server.paths() if p in ("/big.html", "/endless.html")]
    assert len(big_bytes) <= 6  # at most the original try and RETRY_TIMES retries each


def test_feed_cap_bounds_what_is_followed(hostile_crawl):
    _, db, server, _, _, _ = hostile_crawl
    bulk_requests = {p for p in server.paths() if p.startswith("/bulk/")}  # retries count once
    assert len(bulk_requests) == FEED_CAP
    stored = rows(db, "SELECT count(*) FROM items WHERE url LIKE ?", (server.base_url + "/bulk/%",))
    assert stored == [(FEED_CAP,)]


def test_script_and_foreign_scheme_links_are_never_requested(hostile_crawl):
    _, _, server, _, _, other = hostile_crawl
    assert not [p for p in server.paths() if "javascript" in p.lower() or "mailto" in p.lower()
                or p.startswith("/data:")]
    assert "/good/relative.html" in server.paths()
    assert not other.requested("/elsewhere"), "the offsite redirect was followed"


def test_429_is_not_hammered_with_immediate_retries(hostile_crawl):
    _, _, server, _, _, _ = hostile_crawl
    assert server.paths().count("/status/429.html") == 1
    assert server.paths().count("/status/503.html") <= 3  # 5xx: the usual two retries


def test_redirect_loop_is_stopped_and_recorded(hostile_crawl):
    _, db, server, _, _, _ = hostile_crawl
    loops = [p for p in server.paths() if p.startswith("/loop/")]
    assert 2 <= len(loops) <= 12, loops
