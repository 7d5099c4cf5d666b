"""Issue 18, finding 11: one subscriber's bad address never holds up the others, and an SMTP
password only ever crosses the network inside TLS (a real STARTTLS server on loopback, with a
certificate from a CA made in the test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.faults.helpers import record_finding
from tests.faults.tls import make_certificates
from tests.support.net import free_port
from tests.support.smtp import (
    SinkHandler,
    SmtpSink,
    add_item,
    rows,
    run_digest,
    write_subscriptions,
)

pytestmark = pytest.mark.e2e

#: Addresses the subscriptions file accepts but no mail library can send to, and one that
#: the server refuses; each between good ones.
BAD_ADDRESSES = ["a..b@x.org", "a:b@x.org", "Ünicode@пример.рф", ".dot@x.org",
                 "refused@example.org"]
PASSWORD = "digest-smtp-password-fault-suite"


def subscriber(email: str) -> str:
    return (f'email = "{email}"\nname = "Coordinator"\ntopics = ["torture"]\n'
            'frequency = "immediate"\nlabel_language = "en"\n')


@pytest.fixture
def room(tmp_path: Path) -> dict:
    db = tmp_path / "newsmon.db"
    add_item(db, "https://a.test/1", "Beaten in custody", ["torture"])
    return {"db": db, "dir": tmp_path}


def test_bad_addresses_do_not_block_the_other_subscribers(room: dict) -> None:
    good = [f"good{n}@example.org" for n in range(len(BAD_ADDRESSES) + 1)]
    mixed = [good[0]] + [a for pair in zip(BAD_ADDRESSES, good[1:], strict=True) for a in pair]
    write_subscriptions(room["dir"] / "subscriptions.toml", *map(subscriber, mixed))
    with SmtpSink(refuse={"refused@example.org"}) as sink:
        result = run_digest(room, sink.port)
    delivered = sorted(r for m in sink.received for r in m.rcpt_tos)
    assert delivered == sorted(good)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    failed_lines = [line for line in result.stderr.splitlines() if "next run retries" in line]
    assert len(failed_lines) == len(BAD_ADDRESSES)
    assert sorted(r for (r,) in rows(room["db"], "SELECT recipient FROM digest_log")) == good
    record_finding(11, "digest_addresses", {"inputs": len(BAD_ADDRESSES), "good_delivered":
                                        len(delivered), "good_blocked": len(good) -
                                        len(delivered), "tracebacks": 0})


def _auth(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def tls_server(handler: SinkHandler, port: int, certs, **options) -> Controller:  # noqa: ANN001
    return Controller(handler, hostname="127.0.0.1", port=port, authenticator=_auth,
                      tls_context=certs.server_context(), **options)


def test_a_password_is_sent_only_inside_tls(room: dict, tmp_path: Path) -> None:
    write_subscriptions(room["dir"] / "subscriptions.toml", subscriber("c@example.org"))
    certs = make_certificates(tmp_path)
    login = {"NEWSMON_SMTP_USER": "mailer", "NEWSMON_SMTP_PASSWORD": PASSWORD}
    # 1. A password and security "none": refused before any connection, one line, exit 2.
    with SmtpSink() as plain:
        refused = run_digest(room, plain.port, **login, NEWSMON_SMTP_SECURITY="none")
        assert plain.received == []
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "NEWSMON_SMTP_SECURITY" in refused.stderr and "Traceback" not in refused.stderr
    # 2. A server whose certificate nobody vouched for: not sent, the password kept.
    handler, port = SinkHandler(), free_port()
    server = tls_server(handler, port, certs, require_starttls=True)
    server.start()
    try:
        untrusted = run_digest(room, port, **login, NEWSMON_SMTP_SECURITY="starttls")
        # 3. Security left unset: with a password it is STARTTLS, verified against the CA.
        trusted = run_digest(room, port, **login, NEWSMON_SMTP_CA_FILE=str(certs.ca_file),
                             NEWSMON_SMTP_SECURITY="")
    finally:
        server.stop()
    assert untrusted.returncode == 1 and "certificate" in untrusted.stderr.lower()
    assert trusted.returncode == 0, trusted.stderr[-2000:]
    assert [m.rcpt_tos for m in handler.received] == [["c@example.org"]]
    record_finding(11, "digest_tls", {"inputs": 3, "password_in_clear": 0})


def test_plaintext_only_when_explicitly_allowed_and_then_warned(room: dict) -> None:
    write_subscriptions(room["dir"] / "subscriptions.toml", subscriber("c@example.org"))
    handler, port = SinkHandler(), free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port, authenticator=_auth,
                        auth_require_tls=False)
    server.start()
    try:
        login = {"NEWSMON_SMTP_USER": "mailer", "NEWSMON_SMTP_PASSWORD": PASSWORD}
        sent = run_digest(room, port, **login, NEWSMON_SMTP_SECURITY="none",
                          NEWSMON_SMTP_ALLOW_PLAINTEXT="1")
    finally:
        server.stop()
    assert sent.returncode == 0 and len(handler.received) == 1
    assert "warning" in sent.stderr and "without TLS" in sent.stderr
