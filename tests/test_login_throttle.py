"""Failed logins are throttled per client; a success clears the count."""

from __future__ import annotations

from pathlib import Path

import pytest

from datasette_plugins.throttle import LoginThrottle
from tests.support.datasette import PASSWORDS, Client, make_db, serve


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_blocks_after_max_failures_within_the_window():
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window=60, clock=clock)
    for _ in range(3):
        assert not throttle.blocked("10.0.0.1")
        throttle.record("10.0.0.1", 200)
    assert throttle.blocked("10.0.0.1")
    assert not throttle.blocked("10.0.0.2")  # per client
    clock.now += 61
    assert not throttle.blocked("10.0.0.1")  # the window slid past the failures


def test_success_clears_the_count():
    throttle = LoginThrottle(max_failures=2, window=60, clock=FakeClock())
    throttle.record("a", 200)
    throttle.record("a", 302)
    throttle.record("a", 200)
    assert not throttle.blocked("a")


def test_memory_stays_bounded_when_many_clients_fail_once(monkeypatch):
    monkeypatch.setattr("datasette_plugins.throttle.MAX_TRACKED", 100)
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window=60, clock=clock)
    for n in range(1000):
        clock.now += 0.001
        throttle.record(f"10.0.{n // 256}.{n % 256}", 200)
    assert len(throttle.failures) == 100
    assert "10.0.3.231" in throttle.failures  # the latest kept, the stalest forgotten
    clock.now += 61
    throttle.blocked("10.0.3.231")
    assert "10.0.3.231" not in throttle.failures  # expired entries are dropped


@pytest.mark.e2e
def test_real_server_answers_429_after_repeated_failures(tmp_path: Path):
    db = tmp_path / "newsmon.db"
    make_db(db)
    with serve(db, extra_env={"NEWSMON_LOGIN_MAX_FAILURES": "3"}) as base:
        client = Client(base)
        for _ in range(3):
            reply = client.post("/-/login", {"username": "alice", "password": "wrong"})
            assert reply.status == 200  # the form again: a failed login
        blocked = client.post("/-/login", {"username": "alice",
                                           "password": PASSWORDS["alice"]})
        assert blocked.status == 429
        assert blocked.headers["Retry-After"]
        assert client.cookie("ds_actor") is None
