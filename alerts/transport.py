"""Where digests go: an SMTP server (settings from `NEWSMON_SMTP_*`) or `.eml` files (dry run).

The password is read from the environment only and never logged or shown in a repr.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from types import TracebackType

logger = logging.getLogger(__name__)

SECURITY_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_FROM = "newsmon <newsmon@localhost>"


class TransportConfigError(ValueError):
    """SMTP settings that cannot work (named variable and value)."""


class DeliveryError(Exception):
    """The server did not accept a message: nothing is recorded, the next run retries."""


class RecipientRefused(DeliveryError):
    """This one message was refused; the connection is still good for the others."""


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server; read once from the environment."""

    host: str
    port: int
    security: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = DEFAULT_FROM
    timeout: float = 30.0
    ca_file: str | None = None  # a private CA for the server's certificate
    plaintext_password: bool = False  # NEWSMON_SMTP_ALLOW_PLAINTEXT: warned about on every run

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SmtpSettings:
        """NEWSMON_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, _FROM, _TIMEOUT, _CA_FILE.

        A password never crosses the network in clear: with one set, security defaults to
        starttls, and `none` is refused unless NEWSMON_SMTP_ALLOW_PLAINTEXT=1 says the server
        is on this machine (or a trusted link); that run is then warned about.
        """
        host = env.get("NEWSMON_SMTP_HOST", "").strip()
        if not host:
            raise TransportConfigError(
                "NEWSMON_SMTP_HOST is not set: set the SMTP settings (docs/alerts.md) "
                "or use --dry-run DIR")
        password = env.get("NEWSMON_SMTP_PASSWORD") or None
        security = security_from_env(env, password is not None)
        plaintext = bool(password) and security == "none"
        if plaintext and not _flag(env, "NEWSMON_SMTP_ALLOW_PLAINTEXT"):
            raise TransportConfigError(
                "NEWSMON_SMTP_SECURITY is none but NEWSMON_SMTP_PASSWORD is set: the password "
                "would cross the network in clear; use starttls or ssl (or set "
                "NEWSMON_SMTP_ALLOW_PLAINTEXT=1 for a server on this machine)")
        return cls(host=host, security=security,
                   port=_number(env, "NEWSMON_SMTP_PORT", SECURITY_PORTS[security], 65535),
                   user=env.get("NEWSMON_SMTP_USER") or None, password=password,
                   sender=sender_from_env(env), ca_file=ca_file_from_env(env),
                   timeout=float(_number(env, "NEWSMON_SMTP_TIMEOUT", 30, 3600)),
                   plaintext_password=plaintext)

    def tls_context(self) -> ssl.SSLContext:
        """Certificates verified, against NEWSMON_SMTP_CA_FILE when one is given."""
        return ssl.create_default_context(cafile=self.ca_file)


def security_from_env(env: Mapping[str, str], has_password: bool) -> str:
    """NEWSMON_SMTP_SECURITY; unset: starttls when there is a password, else none."""
    raw = env.get("NEWSMON_SMTP_SECURITY", "").strip().lower()
    security = raw or ("starttls" if has_password else "none")
    if security not in SECURITY_PORTS:
        raise TransportConfigError(
            f"NEWSMON_SMTP_SECURITY must be none, starttls or ssl, not {raw[:40]!r}")
    return security


def ca_file_from_env(env: Mapping[str, str]) -> str | None:
    """NEWSMON_SMTP_CA_FILE, checked to hold certificates Python can load."""
    path = env.get("NEWSMON_SMTP_CA_FILE", "").strip()
    if not path:
        return None
    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        raise TransportConfigError(f"NEWSMON_SMTP_CA_FILE {path}: not a readable PEM "
                                   f"certificate file ({exc})") from None
    return path


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes")


def _number(env: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 0 < int(raw) <= maximum:
        raise TransportConfigError(f"{name} must be a whole number from 1 to {maximum}, "
                                   f"not {raw[:40]!r}")
    return int(raw)


def sender_from_env(env: Mapping[str, str] = os.environ) -> str:
    """NEWSMON_SMTP_FROM ("Name <addr>" or "addr"), checked to hold one plain address."""
    sender = env.get("NEWSMON_SMTP_FROM", "").strip() or DEFAULT_FROM
    addr = parseaddr(sender)[1]
    if re.search(r"[\r\n]", sender) or not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", addr):
        raise TransportConfigError(f"NEWSMON_SMTP_FROM is not a usable address: {sender!r}")
    return sender


def _one_line_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt}: {code} {msg.decode(errors='replace')}"
                         for rcpt, (code, msg) in exc.recipients.items())
    return " ".join(str(exc).split()) or type(exc).__name__


class SmtpTransport:
    """One connection for all of a run's messages; opened lazily, closed on exit."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.sender = settings.sender
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"SMTP {s.host}:{s.port} ({s.security})"
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=s.tls_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=s.tls_context())
            if s.user:
                smtp.login(s.user, s.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{where}: cannot connect or log in: "
                                f"{_one_line_error(exc)}") from None
        logger.info("connected to %s as %s", where, s.user or "(no login)")
        return smtp

    def _reset(self) -> None:
        """After a refused message: RSET, or a fresh connection next time if that fails."""
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            if self._smtp is not None:
                self._smtp.close()
            self._smtp = None

    def deliver(self, msg: EmailMessage, recipient: str) -> str:
        """Hand `msg` to the server for exactly `recipient`; return once it is accepted."""
        if self._smtp is None:
            self._smtp = self._connect()
        envelope_from = parseaddr(self.sender)[1]
        try:
            # Explicit envelope recipients: no header (even a forged one) adds a recipient.
            self._smtp.send_message(msg, from_addr=envelope_from, to_addrs=[recipient])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                smtplib.SMTPNotSupportedError, UnicodeError, ValueError) as exc:
            # this address (or this message) only: the connection serves the others
            self._reset()
            raise RecipientRefused(f"{recipient}: refused by the server: "
                                   f"{_one_line_error(exc)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            self._smtp.close()
            self._smtp = None
            raise DeliveryError(f"{recipient}: sending failed: {_one_line_error(exc)}") from None
        return f"SMTP {self.settings.host}:{self.settings.port}"


class EmlTransport:
    """--dry-run: each message as an `.eml` file in a folder; nothing leaves the machine."""

    def __init__(self, folder: str | os.PathLike[str], sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender

    def __enter__(self) -> EmlTransport:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def deliver(self, msg: EmailMessage, recipient: str) -> str:
        """Write the message; the name keeps the recipient and the Message-ID's hash."""
        stem = re.sub(r"[^A-Za-z0-9@._-]", "_", recipient)
        digest = re.sub(r"[^0-9a-f]", "", str(msg["Message-ID"]).split("@")[0])[-12:]
        path = self.folder / f"{stem}-{digest}.eml"
        path.write_bytes(msg.as_bytes())
        return str(path)
