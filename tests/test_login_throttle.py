"""Failed logins are throttled per client; a success clears the count."""

from __future__ import annotations

from pathlib import Path

from datasette_helpers import PASSWORDS, Client, make_db, serve

from datasette_plugins.throttle import LoginThrottle


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
