"""Subscribers, the digests made so far and who got each (tables of migrations 0009, 0010)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, ColumnElement, Integer, String, delete, false, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from retold.errors import RetoldError
from retold.store.schema import Base, aware, utcnow

_EMAIL = re.compile(r"[^@\s<>\"(),;:]+@[^@\s<>\"(),;:/]+\.[^@\s<>\"(),;:/]+")
EMAIL_MAX = 254  # RFC 5321's limit on a forward path
CONFIRM_DAYS = 7  # an unconfirmed sign-up is never mailed a digest, and purged after this


class Subscriber(Base):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String, unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # for unsubscribe links
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added by the operator from the command line: confirmed. The desk's sign-up form adds
    # unconfirmed ones and confirms them from the link it mails (double opt-in).
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    # The secret of the confirmation link (None once confirmed): only the address's owner
    # reads it, so nobody else can confirm a sign-up they made for someone.
    confirm_token: Mapped[str | None] = mapped_column(
        String(64), unique=True, index=True, default=None
    )


class Digest(Base):
    __tablename__ = "digests"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # yyyy-mm-dd (UTC)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class Delivery(Base):
    """One digest handed to the mail server for one address, committed as it happens, so a
    send cut short records who has it and a rerun mails only the rest."""

    __tablename__ = "digest_deliveries"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    email: Mapped[str] = mapped_column(String, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


def normal_email(address: str) -> str:
    text = address.strip()
    if len(text) > EMAIL_MAX or not _EMAIL.fullmatch(text):
        raise RetoldError(f"'{address}' is not an email address like reader@example.org.")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _same_address(email: str) -> ColumnElement[bool]:
    """A stored address that is ``email`` in any case: a local part may be case-sensitive
    by the RFC, but no mail service treats Kim@ and kim@ as two readers, and one reader
    signed up twice would get every digest twice. The first spelling is kept."""
    return func.lower(Subscriber.email) == email.lower()


def add(session: Session, address: str, *, confirmed: bool = True) -> bool:
    """Subscribe ``address``; False if it already was (an operator's add confirms a pending
    sign-up: they vouch for the address)."""
    email = normal_email(address)
    row = session.scalar(select(Subscriber).where(_same_address(email)))
    if row is not None:
        if confirmed and not row.confirmed:
            row.confirmed, row.confirm_token = True, None
            return True
        return False
    session.add(Subscriber(email=email, token=secrets.token_urlsafe(24), confirmed=confirmed))
    session.flush()
    return True


@dataclass(frozen=True)
class SignUp:
    email: str
    confirm_token: str  # "" when the address is confirmed already: nothing to mail


def _expired(row: Subscriber, now: datetime) -> bool:
    return now - aware(row.added_at) > timedelta(days=CONFIRM_DAYS)


def sign_up(session: Session, address: str, now: datetime | None = None) -> SignUp:
    """A reader's sign-up: an unconfirmed subscriber and the token its link will carry.

    Signing up again re-sends the same link while it is valid, and a new one (the week
    starting again) once it expired; a confirmed address is left as it is.
    """
    email, now = normal_email(address), now or utcnow()
    row = session.scalar(select(Subscriber).where(_same_address(email)))
    if row is not None and row.confirmed:
        return SignUp(email, "")
    if row is None:
        row = Subscriber(email=email, token=secrets.token_urlsafe(24), confirmed=False)
        session.add(row)
    if row.confirm_token is None or _expired(row, now):
        row.confirm_token, row.added_at = secrets.token_urlsafe(24), now
    session.flush()
    assert row.confirm_token is not None
    return SignUp(email, row.confirm_token)


def awaiting(session: Session, token: str, now: datetime | None = None) -> Subscriber | None:
    """The unconfirmed subscriber a confirmation link is for (None: unknown or expired)."""
    if not token or len(token) > 64:
        return None
    row = session.scalar(select(Subscriber).where(Subscriber.confirm_token == token))
    if row is None or row.confirmed or _expired(row, now or utcnow()):
        return None
    return row


def confirm(session: Session, token: str, now: datetime | None = None) -> str:
    """Confirm the sign-up of a link's token; its address, or "" for a dead link."""
    row = awaiting(session, token, now)
    if row is None:
        return ""
    row.confirmed, row.confirm_token = True, None
    return row.email


def purge_unconfirmed(
    session: Session, days: int = CONFIRM_DAYS, now: datetime | None = None
) -> int:
    """Forget sign-ups not confirmed within ``days``; how many."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    done = session.execute(
        delete(Subscriber).where(Subscriber.confirmed.is_(False), Subscriber.added_at < cutoff)
    )
    return int(getattr(done, "rowcount", 0) or 0)


def remove(session: Session, address_or_token: str) -> bool:
    """Unsubscribe by address or by the token of an unsubscribe link; False if unknown."""
    text = address_or_token.strip()
    query = select(Subscriber).where(
        (Subscriber.token == text) | (_same_address(normal_email(text)) if "@" in text else false())
    )
    row = session.scalar(query)
    if row is None:
        return False
    session.delete(row)
    return True


def confirmed(session: Session) -> list[Subscriber]:
    query = select(Subscriber).where(Subscriber.confirmed.is_(True)).order_by(Subscriber.id)
    return list(session.scalars(query))


def everyone(session: Session) -> list[Subscriber]:
    """Confirmed and unconfirmed subscribers, oldest first."""
    return list(session.scalars(select(Subscriber).order_by(Subscriber.id)))


def delivered(session: Session, day: str) -> set[str]:
    """The addresses ``day``'s digest was handed to the mail server for."""
    return set(session.scalars(select(Delivery.email).where(Delivery.day == day)))


def count_delivered(session: Session, day: str) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Delivery).where(Delivery.day == day)) or 0
    )


def record_delivery(session: Session, day: str, email: str) -> None:
    if session.get(Delivery, (day, email)) is None:
        session.add(Delivery(day=day, email=email))


def forget_deliveries(session: Session, day: str) -> None:
    """`--resend`: the day's digest goes to everyone again, and a cut-short resend resumes."""
    session.execute(delete(Delivery).where(Delivery.day == day))


def save_digest(session: Session, day: str, items: list[dict[str, Any]]) -> Digest:
    row = session.get(Digest, day)
    if row is None:
        row = Digest(day=day, items=items)
        session.add(row)
    else:
        row.items, row.created_at = items, utcnow()
    session.flush()
    return row


def digests(session: Session, limit: int = 30) -> list[Digest]:
    """The latest digests, newest first."""
    return list(session.scalars(select(Digest).order_by(Digest.day.desc()).limit(limit)))
