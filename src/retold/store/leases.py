"""Leases: a worker's claim on one piece of work, taken and renewed in single statements.

Taking a lease is one ``INSERT … ON CONFLICT DO UPDATE … WHERE expires_at < now``: it
succeeds when nobody holds the name or the holder's lease ran out, and both SQLite and
PostgreSQL run it atomically, so of two workers racing for an item exactly one wins.
Times come from the caller (UTC); workers on several machines need their clocks in step
(NTP), which a lease of a minute tolerates easily.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from retold.store.schema import Lease, aware, utcnow


def acquire(session: Session, name: str, holder: str, seconds: float) -> bool:
    """Take ``name`` for ``holder`` unless someone else holds it; True when taken.

    A holder asking again for its own live lease gets it (renewed).
    """
    now = utcnow()
    values = {
        "name": name,
        "holder": holder,
        "acquired_at": now,
        "expires_at": now + timedelta(seconds=seconds),
        "claims": 1,
    }
    insert = (
        postgresql.insert
        if session.bind and session.bind.dialect.name == "postgresql"
        else sqlite.insert
    )
    statement = insert(Lease).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[Lease.name],
        set_={
            "holder": holder,
            "acquired_at": now,
            "expires_at": values["expires_at"],
            "claims": Lease.claims + 1,
        },
        where=(Lease.expires_at < now) | (Lease.holder == holder),
    )
    # RETURNING, not rowcount: psycopg reports -1 rows for an upsert.
    return session.execute(statement.returning(Lease.name)).first() is not None


def renew(session: Session, names: list[str], holder: str, seconds: float) -> list[str]:
    """Extend the holder's leases; return the names it no longer holds (lost to expiry)."""
    if not names:
        return []
    until = utcnow() + timedelta(seconds=seconds)
    session.execute(
        update(Lease).where(Lease.name.in_(names), Lease.holder == holder).values(expires_at=until)
    )
    held = set(
        session.scalars(select(Lease.name).where(Lease.name.in_(names), Lease.holder == holder))
    )
    return [name for name in names if name not in held]


def release(session: Session, name: str, holder: str) -> None:
    """Give the lease back (only the holder's own: an expired one may belong to another now)."""
    session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


def live(session: Session, prefix: str, *, besides: str = "", now: datetime | None = None) -> int:
    """How many unexpired leases start with ``prefix``, not counting ``besides``'s own."""
    query = select(func.count()).where(
        Lease.name.startswith(prefix, autoescape=True), Lease.expires_at >= (now or utcnow())
    )
    if besides:
        query = query.where(Lease.holder != besides)
    return int(session.scalar(query) or 0)


def holders(session: Session, prefix: str = "") -> list[Lease]:
    """Live leases, oldest first (for `retold status` and the tests)."""
    query = select(Lease).where(Lease.expires_at >= utcnow()).order_by(Lease.acquired_at)
    if prefix:
        query = query.where(Lease.name.startswith(prefix, autoescape=True))
    return list(session.scalars(query))


def expired_among(session: Session, names: set[str]) -> tuple[set[str], set[str]]:
    """Of ``names``: (those still held, those whose holder let them run out)."""
    now = utcnow()
    held: set[str] = set()
    expired: set[str] = set()
    if not names:
        return held, expired
    for lease in session.scalars(select(Lease).where(Lease.name.in_(sorted(names)))):
        (held if aware(lease.expires_at) >= now else expired).add(lease.name)
    return held, expired
