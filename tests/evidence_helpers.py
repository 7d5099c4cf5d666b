"""Helpers for the evidence tests: a mutable fixture site on loopback, items and the CLI."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click
import sqlite_utils
from click.testing import CliRunner, Result

from crawler.commands.export_cmd import export_warc_cmd
from crawler.commands.recheck_cmd import recheck_cmd
from crawler.commands.verify_cmd import verify_cmd
from crawler.context import AppContext
from crawler.items import ArticleItem
from evidence import snapshot_item
from pipelines.extract import extract_article
from store import save_item

ARTICLE_PATH = "/ru/news/2024/05/torture-case.html"
PARAGRAPHS = [
    "Жительница Актобе заявила, что сотрудники полиции избивали её сына в изоляторе временного "
    "содержания, добиваясь признания в краже, которую он не совершал.",
    "По словам матери, следы побоев на теле задержанного зафиксировали врачи областной больницы, "
    "однако прокуратура отказалась возбуждать уголовное дело по статье о пытках.",
    "Правозащитники Казахстанского бюро по правам человека направили обращение генеральному "
    "прокурору и потребовали провести независимую судебно-медицинскую экспертизу.",
    "Адвокат семьи сообщил, что его подзащитного дважды вывозили из изолятора без оформления "
    "документов, а видеозаписи из коридора изолятора, по данным следствия, не сохранились.",
]
HOME_HTML = (
    "<html><head><title>Новости</title></head><body><h1>Главная</h1><ul>"
    + "".join(f"<li><a href='/ru/news/{n}.html'>Погода и курс валют на день {n}: прогноз "
              f"синоптиков, цены на бензин и расписание электричек</a></li>" for n in range(12))
    + "</ul></body></html>"
)


def article_html(title: str, paragraphs: list[str]) -> str:
    """A small news page: navigation around one article."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>{title}</title>"
        "</head><body><nav><a href='/'>Главная</a> <a href='/ru/news'>Новости</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>© Новости</footer></body></html>"
    )


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class FixtureSite:
    """ThreadingHTTPServer on 127.0.0.1:0 whose pages the test changes between re-checks."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {"/robots.txt": Page(body=b"User-agent: *\nAllow: /\n")}
        self.user_agents: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.user_agents.append(self.headers.get("User-Agent", ""))
                page = site.pages.get(self.path, Page(404, b"<html><body>Not found</body></html>"))
                self.send_response(page.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **page.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def set_html(self, path: str, html: str, status: int = 200) -> None:
        self.pages[path] = Page(status, html.encode("utf-8"))

    def redirect(self, path: str, to: str) -> None:
        self.pages[path] = Page(302, b"", {"Location": to})


@contextmanager
def fixture_site() -> Iterator[FixtureSite]:
    site = FixtureSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


def closed_port_url(path: str = ARTICLE_PATH) -> str:
    """A URL on a loopback port nothing listens on (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}{path}"


def add_item(db: sqlite_utils.Database, url: str, html: str, *, flagged: bool = True,
             fetched_at: str = "2024-05-10T08:00:00+00:00", snapshot: bool = True
             ) -> tuple[int, ArticleItem]:
    """Store an article as the crawl would (extract, save_item) and snapshot it."""
    article = extract_article(html, url) or {"title": "", "text": ""}
    classification = {"flagged": flagged, "topics": ["torture"] if flagged else [],
                      "scores": {"torture": 0.9 if flagged else 0.0}}
    item = ArticleItem(
        url=url, source="fixture", fetched_url=url, status=200, body=html.encode("utf-8"),
        encoding="utf-8", headers={"Content-Type": "text/html; charset=utf-8"},
        fetched_at=fetched_at, title=article["title"], text=article["text"], lang="ru",
        classification=classification, content_hash=str(hash(article["text"])),
    )
    row = {"url": url, "source": "fixture", "title": item.title, "text": item.text,
           "lang": "ru", "published": None, "authors": [], "fetched_at": fetched_at,
           "fetched_url": url, "content_hash": item.content_hash}
    item_id, _ = save_item(db, row, classification)
    if snapshot:
        snapshot_item(db, item_id, item, "first_seen")
    return item_id, item


@click.group()
@click.option("--db", "db_path")
@click.pass_context
def evidence_cli(ctx: click.Context, db_path: str) -> None:
    """The evidence commands under a minimal group (the real CLI is tested in test_cli)."""
    ctx.obj = AppContext(db_path=db_path)


for _command in (recheck_cmd, verify_cmd, export_warc_cmd):
    evidence_cli.add_command(_command)


def run_cli(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(evidence_cli, ["--db", str(db_path), *args],
                              catch_exceptions=False)
