"""Snapshots: bytes and hashes round-trip, versions, the pipeline's choices, verify, WARC."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler.items import ArticleItem
from evidence import Capture, history, take_snapshot
from evidence.blobs import get_blob
from evidence.pipeline import SnapshotPipeline
from store import connect
from tests.support.evidence import PARAGRAPHS, add_item, article_html, run_cli

URL = "https://news.example.kz/ru/news/2024/05/torture-case.html"
HTML = article_html("Мать задержанного заявила о пытках", PARAGRAPHS)


def test_snapshot_keeps_bytes_and_hashes(db_path: Path) -> None:
    db = connect(db_path)
    item_id, item = add_item(db, URL, HTML)
    row = next(db.query("SELECT * FROM snapshots WHERE item_id = ?", [item_id]))
    assert get_blob(db, row["body_sha256"]) == HTML.encode("utf-8")
    assert row["body_sha256"] == hashlib.sha256(HTML.encode("utf-8")).hexdigest()
    assert row["text_sha256"] == hashlib.sha256(item.text.encode("utf-8")).hexdigest()
    assert row["fetched_at"] == item.fetched_at and row["final_url"] == URL
    assert json.loads(row["headers"]) == item.headers
    assert row["version"] == 1 and row["reason"] == "first_seen" and row["flagged"] == 1


def test_versions_only_when_the_text_changes(db_path: Path) -> None:
    db = connect(db_path)
    item_id, item = add_item(db, URL, HTML)
    capture = Capture(URL, URL, 200, {}, HTML.encode() + b"<!-- ad -->", "2024-05-11T00:00:00Z")
    same = take_snapshot(db, item_id, capture, title=item.title, text=item.text, reason="updated")
    assert not same.created and same.version == 1
    new_text = item.text.replace("прокуратура отказалась", "прокуратура согласилась")
    changed = take_snapshot(db, item_id, capture, title=item.title, text=new_text,
                            reason="updated")
    assert changed.created and changed.version == 2
    diff = db["snapshots"].get(changed.snapshot_id)["diff"]
    assert "-По словам" in diff and "+По словам" in diff and "согласилась" in diff
    assert db["items"].get(item_id)["recheck_status"] == "edited"
    assert db["snapshot_blobs"].count == 2  # the first body and the one with the ad


def test_same_body_is_stored_once(db_path: Path) -> None:
    db = connect(db_path)
    add_item(db, URL, HTML)
    add_item(db, URL.replace("torture-case", "mirror"), HTML)
    assert db["snapshot_blobs"].count == 1 and db["snapshots"].count == 2


def pipeline_item(item_id: int, outcome: str, flagged: bool, text: str = "текст") -> ArticleItem:
    return ArticleItem(
        url=f"{URL}?{item_id}", source="fixture", fetched_url=URL, status=200,
        body=HTML.encode(), encoding="utf-8", fetched_at="2024-05-10T08:00:00Z",
        text=text, classification={"flagged": flagged}, item_id=item_id,
        store_outcome=outcome,
    )


@pytest.mark.parametrize("snapshot_all", [False, True])
def test_pipeline_snapshots_flagged_items(db_path: Path, snapshot_all: bool) -> None:
    db = connect(db_path)
    flagged_id, _ = add_item(db, URL, HTML, snapshot=False)
    plain_id, _ = add_item(db, URL + "?plain", HTML, flagged=False, snapshot=False)
    pipeline = SnapshotPipeline.from_crawler(get_crawler(settings_dict={
        "NEWSMON_DB": str(db_path), "NEWSMON_SNAPSHOT_ALL": snapshot_all}))
    pipeline.open_spider()
    pipeline.process_item(pipeline_item(flagged_id, "new", True))
    pipeline.process_item(pipeline_item(plain_id, "new", False))
    # Edited so that it is no longer flagged: still kept, because it was watched.
    pipeline.process_item(pipeline_item(flagged_id, "updated", False, "другой текст"))
    pipeline.process_item(pipeline_item(flagged_id, "unchanged", False, "другой текст"))
    pipeline.close_spider()
    reasons = [(r["item_id"], r["reason"]) for r in db.query(
        "SELECT item_id, reason FROM snapshots ORDER BY id")]
    expected = [(flagged_id, "first_seen"), (flagged_id, "updated")]
    if snapshot_all:
        expected.insert(1, (plain_id, "first_seen"))
    assert reasons == expected


def test_pipeline_backfills_flagged_items_stored_before(db_path: Path) -> None:
    db = connect(db_path)
    item_id, _ = add_item(db, URL, HTML, snapshot=False)
    pipeline = SnapshotPipeline.from_crawler(get_crawler(settings_dict={
        "NEWSMON_DB": str(db_path)}))
    pipeline.open_spider()
    pipeline.process_item(pipeline_item(item_id, "unchanged", True))
    pipeline.close_spider()
    assert [r["reason"] for r in db.query("SELECT reason FROM snapshots")] == ["backfill"]


def test_verify_catches_a_corrupted_snapshot(db_path: Path) -> None:
    db = connect(db_path)
    item_id, _ = add_item(db, URL, HTML)
    other_id, _ = add_item(db, URL + "?2", HTML.replace("Актобе", "Атырау"))
    ok = run_cli(db_path, "verify")
    assert ok.exit_code == 0 and "2 bodies and 2 snapshots" in ok.output
    digest = next(db.query("SELECT body_sha256 FROM snapshots WHERE item_id = ?",
                           [item_id]))["body_sha256"]
    forged = gzip.compress(HTML.replace("избивали", "допрашивали").encode(), mtime=0)
    db.execute("UPDATE snapshot_blobs SET data = ? WHERE sha256 = ?", [forged, digest])
    db.execute("UPDATE snapshots SET text = text || '.' WHERE item_id = ?", [other_id])
    db.conn.commit()
    bad = run_cli(db_path, "verify")
    assert bad.exit_code == 1
    assert f"blob {digest}: content hashes to" in bad.output
    assert f"(item {other_id} version 1): extracted text" in bad.output
    db.execute("UPDATE snapshot_blobs SET data = ? WHERE sha256 = ?", [forged[:20], digest])
    db.conn.commit()
    assert "cannot decompress" in run_cli(db_path, "verify").output


def test_warc_export_holds_the_original_bytes(db_path: Path, tmp_path: Path) -> None:
    db = connect(db_path)
    item_id, item = add_item(db, URL, HTML)
    capture = Capture(URL, URL + "?amp", 200,
                      {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip",
                       "Server": "nginx"}, b"<html>\xd0\x9f edited</html>",
                      "2024-06-01T12:30:00+00:00")
    take_snapshot(db, item_id, capture, title="t", text="edited", reason="updated")
    add_item(db, URL + "?other", HTML.replace("Актобе", "Атырау"))
    out = tmp_path / "evidence.warc.gz"
    result = run_cli(db_path, "export-warc", str(out), "--item", str(item_id))
    assert result.exit_code == 0, result.output
    with open(out, "rb") as fh:
        records = [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                   for r in ArchiveIterator(fh)]
    assert [r[0] for r in records] == ["warcinfo", "response", "metadata", "response",
                                       "metadata"]
    _, headers, http, body = records[1]
    assert body == HTML.encode("utf-8") and http.get_statuscode() == "200"
    assert headers["WARC-Target-URI"] == URL
    assert headers["WARC-Date"] == "2024-05-10T08:00:00Z"
    meta = json.loads(records[2][3])
    assert meta["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert meta["text_sha256"] == hashlib.sha256(item.text.encode()).hexdigest()
    assert records[2][1]["WARC-Concurrent-To"] == headers["WARC-Record-ID"]
    _, headers, http, body = records[3]
    assert body == b"<html>\xd0\x9f edited</html>" and headers["WARC-Target-URI"] == URL + "?amp"
    assert http["X-Archive-Orig-Content-Encoding"] == "gzip" and http["Server"] == "nginx"


def test_warc_filters(db_path: Path, tmp_path: Path) -> None:
    db = connect(db_path)
    add_item(db, URL, HTML)
    out = tmp_path / "none.warc.gz"
    result = run_cli(db_path, "export-warc", str(out), "--topic", "art405", "--since",
                     "2024-01-01")
    assert "no snapshots match" in result.output
    assert run_cli(db_path, "export-warc", str(out), "--topic", "torture").exit_code == 0
    with open(out, "rb") as fh:
        assert sum(r.rec_type == "response" for r in ArchiveIterator(fh)) == 1


def test_history_lists_versions(db_path: Path) -> None:
    db = connect(db_path)
    item_id, _ = add_item(db, URL, HTML)
    (entry,) = history(db, item_id)
    assert entry["kind"] == "version" and entry["at"] == "2024-05-10T08:00:00Z"
    assert entry["classification"]["flagged"] is True
    assert history(db, 999) == []


def test_pipeline_reads_its_settings_not_the_environment(db_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMON_SNAPSHOT_ALL", "1")
    crawler = get_crawler(settings_dict={"NEWSMON_DB": str(db_path)})
    assert SnapshotPipeline.from_crawler(crawler).snapshot_all is False


def test_database_stages_switch_off_without_a_database() -> None:
    with pytest.raises(NotConfigured):
        SnapshotPipeline.from_crawler(get_crawler(settings_dict={}))
