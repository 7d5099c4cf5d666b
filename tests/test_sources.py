"""sources.toml loading: the project's file is valid, and every mistake names file and source."""

from __future__ import annotations

import pytest

from sites.sources import DEFAULT_SOURCES, SourcesError, load_sources
from tests.support.sites import sources_toml

GOOD = {"name": "demo", "title": "Demo", "adapter": "pangea", "base_url": "https://rus.azattyq.org",
        "languages": ["ru"], "country": "KZ", "feeds": ["/api/zx"]}


def test_project_sources_file_is_valid_and_covers_the_core_outlets():
    sources = load_sources(DEFAULT_SOURCES)
    names = {s.name for s in sources}
    assert {"azattyq-ru", "azattyq-kk", "bureau-kz"} <= names
    enabled = [s for s in sources if s.enabled]
    assert len(enabled) >= 25
    assert sum("kk" in s.languages for s in enabled) >= 5  # Kazakh-language outlets
    by_name = {s.name: s for s in sources}
    assert by_name["azattyq-ru"].body_selector == "#article-content .wsw"
    assert by_name["bureau-kz"].body_selector == ".entry-content"
    assert all(len(s.notes) > 80 for s in sources)  # each says what is confirmed and by what
    assert {s.adapter for s in sources} >= {"pangea", "wordpress", "feed", "telegram"}


def test_project_entries_fixed_from_the_evidence():
    by_name = {s.name: s for s in load_sources(DEFAULT_SOURCES)}
    assert by_name["notorture-kz"].base_url == "https://www.notorture.kz/"
    assert by_name["vlast-kz"].feeds == ("/feed/",)
    assert by_name["hrw-kz"].feeds == ("/rss/news",)
    assert by_name["amnesty-kz"].feeds == ("/en/feed/",)
    assert by_name["adilsoz-kz"].adapter != "wordpress"
    assert "/z/558" not in by_name["rferl-kz"].sections
    assert by_name["kaztag-kz"].fetch == "browser" and "/ru/rss/" not in by_name["kaztag-kz"].feeds
    assert by_name["bureau-kz"].sections == ("/", "/en/") and not by_name["bureau-kz"].rest_api
    assert by_name["azattyq-ru"].mirrors  # blocked in Kazakhstan: CloudFront hosts


def test_new_keys_and_a_copy_on_another_host_drops_the_mirrors(tmp_path):
    entry = {**GOOD, "fetch": "browser", "mirrors": ["https://d1.cloudfront.net"]}
    (source,) = load_sources(sources_toml(tmp_path / "s.toml", [entry]))
    assert source.hosts() == ("https://rus.azattyq.org/", "https://d1.cloudfront.net/")
    moved = source.with_base_url("http://127.0.0.1:9")
    assert moved.hosts() == ("http://127.0.0.1:9/",) and moved.fetch == "browser"
    tg = {**GOOD, "adapter": "telegram", "base_url": "https://t.me", "channel": "bureau_kz"}
    (channel,) = load_sources(sources_toml(tmp_path / "t.toml", [tg]))
    assert channel.channel == "bureau_kz" and channel.body_selector


def test_defaults_and_relative_paths(tmp_path):
    entry = {**GOOD, "adapter": "wordpress", "feeds": ["https://rus.azattyq.org/feed/"]}
    (source,) = load_sources(sources_toml(tmp_path / "s.toml", [entry]))
    assert source.feeds == ("/feed/",) and source.rest_api == "/wp-json/wp/v2/posts"
    moved = source.with_base_url("http://127.0.0.1:8080")
    assert moved.url(moved.feeds[0]) == "http://127.0.0.1:8080/feed/"
    assert moved.name == source.name and source.base_url == "https://rus.azattyq.org/"


@pytest.mark.parametrize(("change", "problem"), [
    ({"colour": "red"}, "unknown key(s) colour"),
    ({"base_url": None}, "missing required field(s) base_url"),
    ({"base_url": "ftp://example.kz"}, "is not an http(s) URL"),
    ({"base_url": "rus.azattyq.org"}, "is not an http(s) URL"),
    ({"adapter": "joomla"}, "unknown adapter 'joomla'"),
    ({"feeds": ["https://evil.example/rss"]}, "off the base_url host"),
    ({"feeds": ["rss"]}, "must start with '/'"),
    ({"url_pattern": "("}, "url_pattern is not a valid regex"),
    ({"languages": "ru"}, "languages must be a list"),
    ({"enabled": "yes"}, "enabled must be true or false"),
    ({"proxy": "socks5://x:1"}, "is not an http(s) proxy URL"),
    ({"fetch": "chrome"}, "fetch must be one of http, browser"),
    ({"mirrors": ["cloudfront.net"]}, "mirror 'cloudfront.net' is not an http(s) URL"),
    ({"mirrors": "https://x.net"}, "mirrors must be a list"),
    ({"adapter": "telegram"}, "adapter 'telegram' needs a non-empty channel"),
    ({"adapter": "telegram", "channel": "t.me/x"}, "is not a Telegram username"),
])
def test_errors_name_the_file_the_source_and_the_problem(tmp_path, change, problem):
    entry = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    path = sources_toml(tmp_path / "bad.toml", [entry])
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    message = str(info.value)
    assert str(path) in message and "'demo'" in message and problem in message


def test_duplicate_names_and_top_level_keys(tmp_path):
    path = sources_toml(tmp_path / "dup.toml", [GOOD, GOOD])
    with pytest.raises(SourcesError, match="'demo': duplicate name"):
        load_sources(path)
    path.write_text('colour = "red"\n', encoding="utf-8")
    with pytest.raises(SourcesError, match="unknown top-level key"):
        load_sources(path)


def test_unreadable_and_invalid_toml(tmp_path):
    with pytest.raises(SourcesError, match="cannot read sources file"):
        load_sources(tmp_path / "missing.toml")
    (tmp_path / "x.toml").write_text("[[source]\n", encoding="utf-8")
    with pytest.raises(SourcesError, match="not valid TOML"):
        load_sources(tmp_path / "x.toml")
