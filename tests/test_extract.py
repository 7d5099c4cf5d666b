"""Extraction stage: trafilatura plus the adapter's body selector, on pages written here."""

from __future__ import annotations

import pytest

from crawler.items import ArticleItem
from extraction import content_hash, extract_article
from extraction.dates import to_utc_iso
from pipelines.errors import ItemRejected
from pipelines.extract import ExtractPipeline

BODY = (
    "Активиста из Актобе задержали у здания акимата во вторник утром. "
    "По словам его адвоката, в отделении полиции его избили и держали без воды. "
    "Правозащитники требуют расследования по статье 146 Уголовного кодекса."
)
PANGEA_PAGE = f"""<html lang="ru"><head><title>Site</title>
<meta property="og:title" content="Активиста избили в полиции"></head>
<body class="pg-article">
<nav><a href="/">Главная</a> <a href="/z/330">Казахстан</a></nav>
<div class="claim"><div class="wsw"><p>Decoy claim box text that is not the article at all,
long enough to look like content to a naive extractor. Decoy text repeated.</p></div></div>
<h1 class="title pg-title">Активиста избили в полиции</h1>
<div id="article-content" class="content-floated-wrap"><div class="wsw">
<p>{BODY}</p><p>Полиция от комментариев отказалась.</p></div></div>
<div id="ymla-section"><a href="/a/other/1.html">Читайте также: погода</a></div>
</body></html>"""


def test_body_selector_keeps_only_the_article():
    result = extract_article(PANGEA_PAGE, "https://rus.example/a/x/1.html",
                             body_selector="#article-content .wsw")
    assert result is not None
    assert BODY[:60] in result.text
    assert "Decoy" not in result.text
    assert "погода" not in result.text
    assert result.title == "Активиста избили в полиции"


def test_hints_fill_metadata():
    hints = {"title": "Из ленты", "published": "2024-04-28 07:00:00Z", "authors": ["Азаттык"]}
    result = extract_article(PANGEA_PAGE, "https://rus.example/a/x/1.html",
                             "#article-content .wsw", hints)
    assert result.title == "Из ленты"
    assert result.published == "2024-04-28T07:00:00Z"
    assert result.authors == ["Азаттык"]


def test_missing_selector_falls_back_to_whole_page():
    result = extract_article(PANGEA_PAGE, "https://x/", body_selector=".entry-content")
    assert result is not None and BODY[:40] in result.text


@pytest.mark.parametrize("html", ["", "<html><body></body></html>", "\x00\x00\x00"])
def test_no_article_text_returns_none(html):
    assert extract_article(html, "https://x/") is None


def _item(body: bytes, encoding: str = "utf-8") -> ArticleItem:
    return ArticleItem(url="https://x/a/1.html", source="s", fetched_url="https://x/a/1.html",
                       status=200, body=body, encoding=encoding,
                       body_selector="#article-content .wsw")


def test_pipeline_fills_item_and_hash():
    item = ExtractPipeline().process_item(_item(PANGEA_PAGE.encode("cp1251"), "cp1251"))
    assert BODY[:50] in item.text
    assert item.content_hash == content_hash(item.title, item.text)


def test_pipeline_rejects_empty_page_with_stage_and_reason():
    with pytest.raises(ItemRejected) as info:
        ExtractPipeline().process_item(_item(b"<html><body><p>404</p></body></html>"))
    assert info.value.stage == "extract"
    assert "article text" in info.value.reason


def test_content_hash_ignores_whitespace_only_changes():
    assert content_hash("T", "a  b\nc") == content_hash("T", "a b c")
    assert content_hash("T", "a b c") != content_hash("T", "a b d")


@pytest.mark.parametrize("value,expected", [
    ("2024-04-28 07:00:00Z", "2024-04-28T07:00:00Z"),
    ("2024-04-28T03:00:00-04:00", "2024-04-28T07:00:00Z"),
    ("Sun, 28 Apr 2024 07:00:00 GMT", "2024-04-28T07:00:00Z"),
    ("2024-04-28", "2024-04-28T00:00:00Z"),
    ("2024-04-28T12:00:00", "2024-04-28T12:00:00Z"),
    ("0001-01-01T00:00:00Z", None),
    ("Sun, 28 Apr 99999 07:00:00 GMT", None),
    ("not a date", None),
    (1714287600, None),
    (["2024-04-28"], None),
    (None, None),
])
def test_every_date_form_becomes_the_one_stored_form(value, expected):
    assert to_utc_iso(value) == expected
