"""Subscribers and the digests made so far (tables of migration 0009)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from retold.errors import RetoldError
from retold.store.schema import Base, utcnow

_EMAIL = re.compile(r"[^@\s<>\"(),;:]+@[^@\s<>\"(),;:/]+\.[^@\s<>\"(),;:/]+")


class Subscriber(Base):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String, unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # for unsubscribe links
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added by the operator from the command line: confirmed. A sign-up form (the desk)
    # would add unconfirmed ones and confirm them from the link it mails (double opt-in).
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)


class Digest(Base):
    __tablename__ = "digests"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # yyyy-mm-dd (UTC)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


def normal_email(address: str) -> str:
    text = address.strip()
    if not _EMAIL.fullmatch(text):
        raise RetoldError(f"'{address}' is not an email address like reader@example.org.")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def add(session: Session, address: str, *, confirmed: bool = True) -> bool:
    """Subscribe ``address``; False if it already was."""
    email = normal_email(address)
    if session.scalar(select(Subscriber.id).where(Subscriber.email == email)) is not None:
        return False
    session.add(Subscriber(email=email, token=secrets.token_urlsafe(24), confirmed=confirmed))
    session.flush()
    return True


def remove(session: Session, address_or_token: str) -> bool:
    """Unsubscribe by address or by the token of an unsubscribe link; False if unknown."""
    text = address_or_token.strip()
    query = select(Subscriber).where(
        (Subscriber.token == text)
        | (Subscriber.email == (normal_email(text) if "@" in text else ""))
    )
    row = session.scalar(query)
    if row is None:
        return False
    session.delete(row)
    return True


def confirmed(session: Session) -> list[Subscriber]:
    query = select(Subscriber).where(Subscriber.confirmed.is_(True)).order_by(Subscriber.id)
    return list(session.scalars(query))


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
