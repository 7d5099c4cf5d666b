"""A public Telegram channel's web preview: one item per post under its permalink, older pages
through `?before=`, and a second run that only reads posts newer than the stored ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsmon.demo.sitegen import telegram_site
from newsmon.demo.siteserver import SiteServer
from tests.support.crawl import crawl, make_source

pytestmark = pytest.mark.crawl

CHANNEL = "bureau_kz_test"
START = datetime(2024, 4, 1, 6, 0, tzinfo=UTC)


def posts(first: int, count: int, photo_every: int = 7) -> list[dict]:
    """Posts `first`..; every `photo_every`-th has only a photo (no text element)."""
    records = []
    for n in range(first, first + count):
        text = (n - first) % photo_every != photo_every - 1
        records.append({
            "id": n, "published": (START + timedelta(hours=n)).isoformat(),
            "title": f"Сообщение {n}: суд в Алматы рассмотрел дело активиста",
            "paragraphs": [f"Адвокат сообщил, что заседание по делу номер {n} перенесли, "
                           "а задержанного оставили под стражей ещё на месяц."] if text else []})
    return records


def channel(server: SiteServer, records: list[dict]) -> None:
    server.pages.update(telegram_site(CHANNEL, records, server.base_url, title="KIBHR"))


def source(server: SiteServer, **keys):
    return make_source(name="tg-bureau", adapter="telegram", base_url=server.base_url,
                       channel=CHANNEL, **keys)


def test_each_post_is_one_item_and_a_second_run_reads_only_newer_ones(db_path: Path) -> None:
    first = posts(100, 45)  # three preview pages of 20
    with SiteServer() as server:
        channel(server, first)
        result = crawl(source(server), db_path)
        items = result.new_items()
        with_text = [p for p in first if p["paragraphs"]]
        assert result.errors == []
        assert sorted(i["url"] for i in items) == sorted(
            f"{server.base_url}/{CHANNEL}/{p['id']}" for p in with_text)
        by_url = {i["url"]: i for i in items}
        post = with_text[-1]
        item = by_url[f"{server.base_url}/{CHANNEL}/{post['id']}"]
        assert item["title"] == post["title"] and post["paragraphs"][0][:50] in item["text"]
        assert item["published"] == datetime.fromisoformat(post["published"]).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        assert item["lang"] == "ru"
        assert [r.path for r in server.requested("/s/")] == [
            f"/s/{CHANNEL}", f"/s/{CHANNEL}?before=125", f"/s/{CHANNEL}?before=105"]

        channel(server, first + posts(145, 3))
        server.clear_log()
        second = crawl(source(server), db_path)
        assert [i["url"].rsplit("/", 1)[1] for i in second.new_items()] == ["145", "146", "147"]
        assert [r.path for r in server.requested("/s/")] == [f"/s/{CHANNEL}"]


def test_a_channel_without_a_public_preview_is_a_recorded_failure(db_path: Path) -> None:
    from newsmon.demo.siteserver import redirect

    with SiteServer() as server:
        server.pages[f"/s/{CHANNEL}"] = redirect(f"{server.base_url}/{CHANNEL}", 302)
        channel_card = telegram_site(CHANNEL, [], server.base_url)[f"/{CHANNEL}"]
        server.pages[f"/{CHANNEL}"] = channel_card
        result = crawl(source(server), db_path)
    assert [(e["stage"], "no public preview" in e["reason"]) for e in result.errors] == [
        ("listing", True)]
