"""Helpers for the evidence tests: article pages, items stored with snapshots, the CLI."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from click.testing import CliRunner, Result

from crawler.items import ArticleItem
from evidence import snapshot_item
from extraction import extract_article
from newsmon.cli import cli
from newsmon.demo.siteserver import SiteServer, html
from store import save_item
from tests.support.net import closed_port_url  # noqa: F401 - the evidence tests use it

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


def add_item(db: sqlite_utils.Database, url: str, html: str, *, flagged: bool = True,
             fetched_at: str = "2024-05-10T08:00:00Z", snapshot: bool = True
             ) -> tuple[int, ArticleItem]:
    """Store an article as the crawl would (extract, save_item) and snapshot it."""
    found = extract_article(html, url)
    article = {"title": found.title if found else "", "text": found.text if found else ""}
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


def run_cli(db_path: Path, *args: str) -> Result:
    """`newsmon --db DB ARGS` in-process (the real command group), exceptions not caught."""
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def set_html(server: SiteServer, path: str, body: str, status: int = 200) -> None:
    """Serve `body` at `path` from now on (pages change between re-checks)."""
    server.pages[path] = html(body, status)


def user_agents(server: SiteServer) -> set[str]:
    return {r.headers.get("User-Agent", "") for r in server.requests}
