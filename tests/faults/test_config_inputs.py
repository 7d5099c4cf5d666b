"""Issue 18, finding 13: bad configuration (sources, subscriptions, rules, NEWSMON_* values) is
one line naming the file or variable, the entry and the problem, exit 2, never a traceback.

Run in-process through the real command group (a traceback would surface as the result's
exception). Besides the named cases, every key of each file is tried with a grid of hostile
values: whatever the outcome, it is never a traceback, and a refusal is one line.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from classifiers.rules import RULES_DIR, _load_cached
from newsmon.cli import cli
from store import connect
from tests.faults.helpers import record_finding

HOSTILE: list[Any] = [5, -1, 1.5, float("nan"), True, "", " ", "x" * 3000, [], [1], [""],
                      {}, "http://[::1", "javascript:alert(1)", "(", "²", "ftp://x/y",
                      "\u0000x", "https://exa mple.kz", [[]], [{}]]
SOURCE = {"name": "x", "title": "X", "adapter": "feed", "base_url": "https://example.kz",
          "languages": ["ru"], "country": "KZ", "enabled": False, "feeds": ["/rss"]}
SOURCE_KEYS = [*SOURCE, "sitemaps", "sections", "url_pattern", "body_selector", "proxy",
               "rest_api", "listing_pages", "notes"]
SUBSCRIPTION = {"email": "a@example.org", "name": "A", "topics": ["torture"],
                "frequency": "daily", "label_language": "ru", "regions": [], "persons": []}


def toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"
    return repr(value)


def tables(name: str, entries: list[dict[str, Any]]) -> str:
    return "".join(f"[[{name}]]\n" + "".join(f"{k} = {toml(v)}\n" for k, v in e.items())
                   for e in entries)


class Tally:
    """Runs the CLI in-process; counts inputs, refusals and (never) tracebacks."""

    def __init__(self, db: Path) -> None:
        self.db, self.inputs, self.tracebacks = db, 0, []

    def run(self, args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
        _load_cached.cache_clear()
        result = CliRunner().invoke(cli, args, env=env, input="", catch_exceptions=True)
        self.inputs += 1
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            self.tracebacks.append(f"{args} {env}: {result.exception!r}"[:300])
        return result.exit_code, result.output.strip()

    def refused(self, args: list[str], *names: str, env: dict[str, str] | None = None) -> None:
        """Exit 2 with one line that names each of `names`."""
        code, out = self.run(args, env)
        assert code == 2 and "\n" not in out, (args, env, code, out[-500:])
        assert all(n in out for n in names), (names, out)


@pytest.fixture(scope="module")
def tally(tmp_path_factory: pytest.TempPathFactory) -> Tally:
    db = tmp_path_factory.mktemp("config") / "newsmon.db"
    connect(db).close()
    return Tally(db)


def sources_cmd(tally: Tally, path: Path) -> list[str]:
    return ["--db", str(tally.db), "sources", "--sources", str(path)]


NAMED_SOURCES = {
    "base_url not a URL": {"base_url": "http://[::1"},
    "port out of range": {"base_url": "https://example.kz:99999"},
    "proxy not a URL": {"proxy": "http://[::1"},
    "rest_api not a URL": {"rest_api": "http://[::1"},
    "feeds not a list": {"feeds": "/rss"},
    "feed off the host": {"feeds": ["https://elsewhere.example/rss"]},
    "bad url_pattern": {"url_pattern": "("},
    "listing_pages negative": {"listing_pages": -1},
    "unknown adapter": {"adapter": "rss"},
}


@pytest.mark.parametrize("case", sorted(NAMED_SOURCES))
def test_named_bad_sources(tally: Tally, tmp_path: Path, case: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(tables("source", [{**SOURCE, **NAMED_SOURCES[case]}]), encoding="utf-8")
    tally.refused(sources_cmd(tally, path), str(path), "'x'")


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00[[source]]", b"[[source]]\nname = ",
                                 b"source = 5", b"[[source]]\n[[source]]\n"])
def test_unreadable_sources_files(tally: Tally, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "sources.toml"
    path.write_bytes(raw)
    tally.refused(sources_cmd(tally, path), str(path))


def test_every_source_key_with_hostile_values_never_tracebacks(tally: Tally,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    for key in SOURCE_KEYS:
        for value in HOSTILE:
            path.write_text(tables("source", [{**SOURCE, key: value}]), encoding="utf-8")
            code, out = tally.run(sources_cmd(tally, path))
            if code == 2:
                assert "\n" not in out and str(path) in out, (key, value, out)
    assert tally.tracebacks == []


def digest_cmd(tally: Tally, path: Path, tmp_path: Path) -> list[str]:
    return ["--db", str(tally.db), "digest", "--dry-run", str(tmp_path / "mail"),
            "--subscriptions", str(path)]


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"subscription = 1",
                                 b"[[subscription]]\nemail = 'a@example.org'"])
def test_unreadable_subscription_files(tally: Tally, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "subscriptions.toml"
    path.write_bytes(raw)
    tally.refused(digest_cmd(tally, path, tmp_path), str(path))


def test_every_subscription_key_with_hostile_values_never_tracebacks(tally: Tally,
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "subscriptions.toml"
    for key in SUBSCRIPTION:
        for value in HOSTILE:
            path.write_text(tables("subscription", [{**SUBSCRIPTION, key: value}]),
                            encoding="utf-8")
            code, out = tally.run(digest_cmd(tally, path, tmp_path))
            if code == 2:
                assert "\n" not in out and str(path) in out, (key, value, out)
    assert tally.tracebacks == []


RULE_CHANGES = {
    "concept unknown": ("all", ["no_such_concept"]),
    "concepts not a list": ("any", "state_agent"),
    "scope unknown": ("scope", "galaxy"),
    "weight out of range": ("weight", 5),
    "weight not a number": ("weight", "high"),
    "lang unknown": ("lang", ["xx"]),
    "unknown key": ("colour", "red"),
}


@pytest.mark.parametrize("case", sorted(RULE_CHANGES))
def test_bad_rule_files(tally: Tally, tmp_path: Path, case: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = tomllib.loads((rules / "torture.toml").read_text(encoding="utf-8"))
    key, value = RULE_CHANGES[case]
    data["rule"][0][key] = value
    head = "".join(f"{k} = {toml(v)}\n" for k, v in data.items()
                   if k not in ("rule", "negative", "examples"))
    (rules / "torture.toml").write_text(
        head + tables("rule", data["rule"]) + tables("negative", data.get("negative", [])),
        encoding="utf-8")
    tally.refused(["classify"], "torture.toml", env={"NEWSMON_RULES_DIR": str(rules)})
    (rules / "torture.toml").write_bytes(b"\xff\xfe")
    tally.refused(["classify"], "torture.toml", env={"NEWSMON_RULES_DIR": str(rules)})


def env_cases(db: Path, tmp: Path) -> list[tuple[str, str, list[str]]]:
    serve = ["--db", str(db), "serve", "--port", "0"]
    subs = tmp / "subs.toml"
    subs.write_text(tables("subscription", [SUBSCRIPTION]), encoding="utf-8")
    digest = ["--db", str(db), "digest", "--subscriptions", str(subs)]
    sources = tmp / "sources.toml"
    sources.write_text(tables("source", [SOURCE]), encoding="utf-8")
    recheck = ["--db", str(db), "recheck", "--sources", str(sources)]
    crawl = ["--db", str(db), "crawl", "--sources", str(sources)]
    return [
        ("NEWSMON_LOGIN_WINDOW", "abc", serve), ("NEWSMON_LOGIN_MAX_FAILURES", "1.5", serve),
        ("NEWSMON_SESSION_HOURS", "0", serve), ("NEWSMON_LOGIN_THREADS", "many", serve),
        ("NEWSMON_TRUSTED_PROXIES", "proxy.lan", serve), ("NEWSMON_ANONYMOUS", "all", serve),
        ("NEWSMON_USERS", "alice:pbkdf2_sha256$x$y$z", serve),
        ("NEWSMON_USERS_FILE", str(tmp), serve),
        ("NEWSMON_SMTP_PORT", "x", digest), ("NEWSMON_SMTP_PORT", "²", digest),
        ("NEWSMON_SMTP_PORT", "99999", digest), ("NEWSMON_SMTP_TIMEOUT", "0", digest),
        ("NEWSMON_SMTP_SECURITY", "tls", digest), ("NEWSMON_SMTP_FROM", "a@b\r\nBcc: x", digest),
        ("NEWSMON_SMTP_CA_FILE", str(subs), digest), ("NEWSMON_DIGEST_HOUR", "²", digest),
        ("NEWSMON_TZ", "Europe", digest), ("NEWSMON_SUBSCRIPTIONS", str(tmp), digest[:3]),
        ("NEWSMON_RECHECK_SCHEDULE", "a,b", recheck), ("NEWSMON_RECHECK_SCHEDULE", "-1", recheck),
        ("NEWSMON_RECHECK_DELAY", "x", recheck), ("NEWSMON_RECHECK_CONFIRM_HOURS", "-1", recheck),
        ("NEWSMON_PRIVATE_HOSTS", "a b", crawl), ("NEWSMON_REDIS_URL", "not-a-url", crawl),
        ("NEWSMON_SOURCES", str(tmp), ["--db", str(db), "sources"]),
        ("NEWSMON_RULES_DIR", str(tmp / "no-rules"), ["classify"]),
        ("NEWSMON_LOG_FILE", str(tmp / "no-dir" / "x.log"), ["--db", str(db), "verify"]),
        ("NEWSMON_DB", str(sources), ["verify"]),
    ]


@pytest.mark.parametrize("setting", ["DOWNLOAD_TIMEOUT=abc", "ROBOTSTXT_OBEY=maybe",
                                     "NEWSMON_MAX_ARTICLES_PER_FEED=many", "novalue"])
def test_bad_setting_overrides(tally: Tally, tmp_path: Path, setting: str) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(tables("source", [SOURCE]), encoding="utf-8")
    tally.refused(["--db", str(tally.db), "crawl", "--sources", str(sources), "-s", setting],
                  setting.split("=")[0])


def test_bad_environment_values(tally: Tally, tmp_path: Path) -> None:
    cases = env_cases(tally.db, tmp_path)
    for variable, value, args in cases:
        code, out = tally.run(args, env={"NEWSMON_SMTP_HOST": "127.0.0.1", variable: value})
        assert code == 2 and "\n" not in out, (variable, value, code, out[-500:])
        assert variable in out or value in out, (variable, out)  # a path names itself
    assert tally.tracebacks == []
    record_finding(13, "config_inputs", {"inputs": tally.inputs, "tracebacks":
                                     len(tally.tracebacks), "env_cases": len(cases)})
