"""Learning from triage through the web: demo items triaged (relevant, not relevant, wrong
topic, missed) in a real `newsmon serve`, then the same precision per rule in
`newsmon rules report --json` and on the Rules page; the model's opinion and its queue filter."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli import cli
from tests.support.datasette import Client, serve
from tests.support.learning import demo_articles, store_demo_items

pytestmark = pytest.mark.e2e

BUSIEST_RULE = """
    SELECT json_extract(e.value, '$.rule') AS rule, t.topic, count(DISTINCT t.item_id) AS n
    FROM item_topics t, json_each(t.evidence) e GROUP BY rule ORDER BY n DESC, rule LIMIT 1"""
ITEMS_OF_RULE = """
    SELECT DISTINCT t.item_id FROM item_topics t, json_each(t.evidence) e
    WHERE json_extract(e.value, '$.rule') = ? ORDER BY t.item_id"""


def sql(db_path: Path, query: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    db_path = tmp_path_factory.mktemp("learning-web") / "newsmon.db"
    titles = store_demo_items(db_path)
    with serve(db_path) as base:
        yield db_path, base, titles


@pytest.fixture(scope="module")
def decided(site) -> dict:
    """Five items of the busiest rule decided through the web, one miss reported."""
    db_path, base, titles = site
    rule, topic, fired = sql(db_path, BUSIEST_RULE)[0]
    assert fired >= 5
    items = [row[0] for row in sql(db_path, ITEMS_OF_RULE, (rule,))][:5]
    alice = Client(base)
    alice.login("alice")
    statuses = ["relevant", "relevant", "relevant", "not_relevant", "relevant"]
    for item_id, status in zip(items, statuses, strict=True):
        assert alice.post(f"/-/triage/{item_id}", {"status": status}).status == 302
    wrong = alice.post(f"/-/topic-report/{items[4]}", {"choice": f"wrong:{topic}",
                                                        "note": "about something else"})
    assert wrong.status == 302 and wrong.headers["location"] == f"/-/item/{items[4]}"
    missed_id = missed_item(db_path, titles)
    reply = alice.post(f"/-/topic-report/{missed_id}", {"choice": "missed:detention"},
                       headers={"Accept": "application/json"})
    assert reply.status == 200 and reply.json()["verdict"] == "missed"
    return {"rule": rule, "topic": topic, "fired": fired, "items": items, "missed": missed_id,
            "client": alice}


def missed_item(db_path: Path, titles: dict[str, int]) -> int:
    """A demo article the demo expects to be detention and the rules do not flag as such."""
    flagged = {r[0] for r in sql(db_path, "SELECT item_id FROM item_topics "
                                          "WHERE topic = 'detention'")}
    expected = [titles[a["title"]] for a in demo_articles()
                if "detention" in a["expect_topics"] and titles[a["title"]] not in flagged]
    return (expected or sorted(set(titles.values()) - flagged))[0]


def test_topic_reports_need_a_login_csrf_and_sense(site) -> None:
    db_path, base, _ = site
    flagged = sql(db_path, "SELECT item_id, topic FROM item_topics LIMIT 1")[0]
    assert Client(base).post(f"/-/topic-report/{flagged[0]}",
                             {"choice": f"wrong:{flagged[1]}"}).status == 403
    bob = Client(base)
    bob.login("bob")
    assert bob.post(f"/-/topic-report/{flagged[0]}", {"choice": f"wrong:{flagged[1]}"},
                    csrf=False).status == 403
    reply = bob.post(f"/-/topic-report/{flagged[0]}", {"choice": f"missed:{flagged[1]}"})
    assert reply.status == 400 and "уже отмечен" in reply.text
    assert bob.post(f"/-/topic-report/{flagged[0]}", {"choice": "missed:weather"}).status == 400
    assert bob.post("/-/topic-report/99999", {"choice": "missed:torture"}).status == 404
    assert sql(db_path, "SELECT count(*) FROM topic_reports_log WHERE reported_by = 'bob'") == [
        (0,)]


def test_rules_report_shows_the_precision_the_monitors_gave(site, decided) -> None:
    db_path = site[0]
    result = CliRunner().invoke(cli, ["--db", str(db_path), "rules", "report", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    entry = next(r for r in report["rules"] if r["rule"] == decided["rule"])
    items = decided["items"]
    assert entry["hits"] == decided["fired"]
    assert entry["relevant_items"] == sorted(items[:3])
    assert entry["not_relevant_items"] == sorted(items[3:])  # triaged not relevant; wrong topic
    assert (entry["precision"], entry["ci_low"], entry["ci_high"]) == (0.6, 0.231, 0.882)
    assert report["rules"].index(entry) < next(
        i for i, r in enumerate(report["rules"]) if not r["relevant"] + r["not_relevant"])
    [miss] = report["missed"]
    assert (miss["item_id"], miss["topic"], miss["reported_by"], miss["flagged_now"]) == (
        decided["missed"], "detention", "alice", False)
    assert miss["near"] and all(n["sentence"] for n in miss["near"])
    detention = next(t for t in report["topics"] if t["topic"] == "detention")
    assert detention["missed_open"] == 1


def test_the_rules_page_shows_the_same_figures(site, decided) -> None:
    _, base, _ = site
    page = decided["client"].get("/-/rules")
    assert page.status == 200
    row = re.search(rf'<tr data-rule="{re.escape(decided["rule"])}">(.*?)</tr>', page.text,
                    re.S)
    assert row, page.text[:2000]
    cells = dict(re.findall(r'<td class="nm-([a-z-]+)">([^<]*)</td>', row.group(1)))
    assert (cells["hits"], cells["relevant"], cells["not-relevant"], cells["precision"]) == (
        str(decided["fired"]), "3", "2", "0.60")
    assert f'data-item="{decided["missed"]}" data-topic="detention"' in page.text
    assert Client(base).get("/-/rules").headers["location"] == "/-/login"

    listing = decided["client"].get(f"/-/rules/{decided['rule']}")
    decisions = {item: " ".join(re.sub(r"<[^>]+>", "", cell).split()) for item, cell in re.findall(
        r'<tr data-item="(\d+)">.*?<td class="nm-decision">(.*?)</td>', listing.text, re.S)}
    items = decided["items"]
    assert [decisions[str(i)] for i in items] == (
        ["важно"] * 3 + ["не относится", "не относится (неверная тема)"])


def test_the_item_page_shows_the_report_and_withdraws_it(site, decided) -> None:
    db_path = site[0]
    alice = decided["client"]
    item = decided["items"][4]
    page = alice.get(f"/-/item/{item}").text
    assert f'data-topic="{decided["topic"]}" data-verdict="wrong"' in page
    assert f'value="wrong:{decided["topic"]}"' not in page  # already reported
    assert "Модель ещё не оценила этот материал" in page
    assert alice.post(f"/-/topic-report/{item}", {"topic": decided["topic"],
                                                   "verdict": "withdrawn"}).status == 302
    assert sql(db_path, "SELECT count(*) FROM topic_reports WHERE item_id = ?", (item,)) == [
        (0,)]
    assert sql(db_path, "SELECT verdict FROM topic_reports_log WHERE item_id = ? ORDER BY id",
               (item,)) == [("wrong",), ("withdrawn",)]
    alice.post(f"/-/topic-report/{item}", {"choice": f"wrong:{decided['topic']}"})  # put back


def test_the_model_opinion_and_the_disagreement_filter(site, decided) -> None:
    db_path, _, titles = site
    alice = decided["client"]
    flagged, unflagged = (sql(db_path, f"SELECT id FROM items WHERE flagged = {f} ORDER BY id "
                                       "LIMIT 2") for f in (1, 0))
    agrees, doubted = flagged[0][0], flagged[1][0]
    quiet, suspected = unflagged[0][0], unflagged[1][0]
    topic_of = dict(sql(db_path, "SELECT item_id, topic FROM item_topics"))
    with sqlite3.connect(db_path) as conn:
        run = conn.execute("INSERT INTO model_runs (trained_at, items, figures) VALUES "
                           "('2026-12-01T00:00:00Z', 1, '{}')").lastrowid
        conn.executemany("INSERT INTO model_scores VALUES (?, ?, ?, ?)", [
            (agrees, topic_of[agrees], 0.93, run), (doubted, topic_of[doubted], 0.08, run),
            (quiet, "torture", 0.1, run), (suspected, "torture", 0.82, run)])
    page = alice.get(f"/-/item/{suspected}").text
    assert "Модель тоже считает:" in page
    assert re.search(r'nm-model nm-model-disagrees" data-topic="torture">Пытки 0.82', page)
    queue = alice.get("/-/queue?model=disagree&show=all").text
    shown = {int(i) for i in re.findall(r'href="/-/item/(\d+)[?"]', queue)}
    assert shown == {doubted, suspected}
    unfiltered = alice.get("/-/queue?show=all").text
    assert not re.search(rf'href="/-/item/{suspected}[?"]', html.unescape(unfiltered))  # unflagged
