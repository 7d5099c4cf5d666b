"""A broken configuration is one line naming the file and the problem, exit 2, before any work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from classifiers.rules import RULES_DIR
from newsmon.demo.siteserver import SiteServer
from tests.support.cli import run_newsmon
from tests.support.db import store_item

pytestmark = pytest.mark.e2e


@pytest.fixture
def broken_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    text = (rules / "detention.toml").read_text(encoding="utf-8")
    (rules / "detention.toml").write_text(text.replace("threshold =", "threshold = 7 #", 1),
                                          encoding="utf-8")
    return rules


def assert_config_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(f in lines[0] for f in fragments), lines[0]


def test_a_broken_rule_file_stops_classify_and_reclassify(tmp_path, broken_rules) -> None:
    env = {"NEWSMON_RULES_DIR": str(broken_rules)}
    assert_config_error(run_newsmon("classify", input='{"title": "t", "text": "x"}\n', env=env),
                        "detention.toml", "threshold")
    db = tmp_path / "newsmon.db"
    store_item(db, "https://site.kz/a/1.html", "Активиста задержали")
    assert_config_error(run_newsmon("--db", str(db), "reclassify", env=env), "detention.toml")


def test_a_broken_rule_file_stops_the_crawl_before_any_fetch(tmp_path, broken_rules) -> None:
    with SiteServer() as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "s"\ntitle = "s"\nadapter = "feed"\n'
                           f'base_url = "{site.base_url}/"\nlanguages = ["ru"]\n'
                           'feeds = ["/rss"]\n', encoding="utf-8")
        result = run_newsmon("--db", str(tmp_path / "n.db"), "crawl", "--sources", str(sources),
                             env={"NEWSMON_RULES_DIR": str(broken_rules)})
        assert site.requests == []
    assert_config_error(result, "detention.toml")


def test_demo_refuses_a_database_it_would_not_use(tmp_path) -> None:
    result = run_newsmon("--db", str(tmp_path / "mine.db"), "demo", "--no-serve",
                         "--out", str(tmp_path / "demo"))
    assert_config_error(result, "--db")
    assert not (tmp_path / "mine.db").exists() and not (tmp_path / "demo").exists()
    result = run_newsmon("demo", "--no-serve", "--out", str(tmp_path / "demo"),
                         env={"NEWSMON_DB": str(tmp_path / "mine.db")})
    assert_config_error(result, "NEWSMON_DB")
