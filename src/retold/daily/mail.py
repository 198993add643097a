"""SMTP for the digest and the sign-up confirmations: one session, set up from [digest]."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from retold.config import DigestConfig


def can_mail(cfg: DigestConfig) -> bool:
    """Whether [digest] names a mail server and a From: address."""
    return bool(cfg.smtp_host and cfg.sender)


def server_name(cfg: DigestConfig) -> str:
    return f"{cfg.smtp_host}:{cfg.smtp_port}"


def reason(err: BaseException) -> str:
    """What the mail server (or the network) said, as a short phrase for a sentence."""
    if isinstance(err, smtplib.SMTPResponseException):
        said = err.smtp_error
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        return f"{err.smtp_code} {text}".strip()
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


@contextmanager
def smtp_session(cfg: DigestConfig, timeout: float = 30.0) -> Iterator[smtplib.SMTP]:
    """An open, authenticated SMTP session (STARTTLS first when asked)."""
    with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=timeout) as smtp:
        if cfg.smtp_starttls:
            smtp.starttls()
        if cfg.smtp_user:
            smtp.login(cfg.smtp_user, cfg.smtp_password)
        yield smtp


def send_one(cfg: DigestConfig, message: EmailMessage) -> None:
    """One message in its own session (a sign-up's confirmation)."""
    with smtp_session(cfg) as smtp:
        smtp.send_message(message)
