"""The demo's sample articles (our own fiction, newsmon/demo/articles.toml) as stored items
classified by the real rules, and as a labelled JSON-lines fixture for `newsmon learn`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from classifiers import classify
from store import connect, save_item
from tests.support.cli import ROOT

ARTICLES = ROOT / "newsmon" / "demo" / "articles.toml"


def demo_articles() -> list[dict]:
    with ARTICLES.open("rb") as fh:
        return tomllib.load(fh)["article"]


def store_demo_items(db_path: Path) -> dict[str, int]:
    """Every demo article stored as the crawl stores it (real classification); title -> id."""
    db = connect(db_path)
    ids = {}
    try:
        for n, article in enumerate(demo_articles()):
            text = "\n".join(article["paragraphs"])
            row = {"url": f"https://{article['site']}.example/a/{article['id']}",
                   "source": article["site"], "title": article["title"], "text": text,
                   "lang": article["lang"], "published": article["published"],
                   "fetched_at": article["published"], "content_hash": f"demo-{n}"}
            ids[article["title"]] = save_item(db, row, classify(article["title"], text,
                                                                article["lang"]))[0]
    finally:
        db.close()
    return ids


def write_labelled(path: Path) -> Path:
    """The demo articles with their expected topics, as `newsmon learn --dev` reads them."""
    with path.open("w", encoding="utf-8") as fh:
        for article in demo_articles():
            fh.write(json.dumps({"title": article["title"],
                                 "text": "\n".join(article["paragraphs"]),
                                 "lang": article["lang"],
                                 "topics": article["expect_topics"]}, ensure_ascii=False) + "\n")
    return path
