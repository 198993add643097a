"""Accounts, sessions, CSRF tokens and back-off: the desk's security in one small module."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from retold.desk.models import ROLES, DeskSession, DeskThrottle, DeskUser
from retold.errors import RetoldError
from retold.store.schema import aware, utcnow

SESSION_HOURS = 12
# Failures allowed in a window; from the last of them, a wait of 30 s, then 60, 120 ...
FREE_FAILURES = 5
FIRST_BLOCK = timedelta(seconds=30)
WINDOW = timedelta(minutes=15)
MAX_BLOCK = timedelta(minutes=15)
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # argon2id with the library's maintained defaults


@functools.cache
def dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong
    password. Made once, when the desk starts: at import it cost every `retold` command
    an argon2 hash (0.18 s)."""
    return _hasher.hash(secrets.token_hex(16))


class DeskError(RetoldError):
    """A desk command the user got wrong (exit 2)."""


@dataclass(frozen=True)
class Who:
    """The signed-in person, as request handlers see them."""

    user_id: int
    name: str
    role: str
    csrf: str

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def add_user(session: Session, name: str, role: str, password: str) -> DeskUser:
    name = name.strip()
    if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").isalnum():
        raise DeskError("A user name is 1-64 letters, digits, '-' or '_'.")
    if role not in ROLES:
        raise DeskError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    if len(password) < MIN_PASSWORD:
        raise DeskError(f"The password must be at least {MIN_PASSWORD} characters.")
    if session.scalar(select(DeskUser.id).where(DeskUser.name == name)) is not None:
        raise DeskError(f"There is already a desk user called {name!r}.")
    user = DeskUser(name=name, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def _user(session: Session, name: str) -> DeskUser:
    user = session.scalar(select(DeskUser).where(DeskUser.name == name))
    if user is None:
        raise DeskError(f"There is no desk user called {name!r}.")
    return user


def set_password(session: Session, name: str, password: str) -> None:
    """A new password; every session of the user ends."""
    if len(password) < MIN_PASSWORD:
        raise DeskError(f"The password must be at least {MIN_PASSWORD} characters.")
    user = _user(session, name)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(DeskSession).where(DeskSession.user_id == user.id))


def set_disabled(session: Session, name: str, disabled: bool) -> None:
    """Lock an account out (or let it back in); a locked one's sessions end at once."""
    user = _user(session, name)
    user.disabled = disabled
    if disabled:
        session.execute(delete(DeskSession).where(DeskSession.user_id == user.id))


def check_password(session: Session, name: str, password: str) -> DeskUser | None:
    user = session.scalar(select(DeskUser).where(DeskUser.name == name))
    try:
        _hasher.verify(user.password_hash if user else dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):  # parameters were raised since
        user.password_hash = _hasher.hash(password)
    return user


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: DeskUser) -> str:
    """A new session for ``user``; returns the cookie's token (stored only as a hash)."""
    now = utcnow()
    session.execute(delete(DeskSession).where(DeskSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(
        DeskSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return token


def who(session: Session, token: str | None) -> Who | None:
    if not token:
        return None
    row = session.get(DeskSession, token_hash(token))
    if row is None or aware(row.expires_at) < utcnow():
        return None
    user = session.get(DeskUser, row.user_id)
    if user is None or user.disabled:
        return None
    return Who(user.id, user.name, user.role, row.csrf)


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(DeskSession).where(DeskSession.token_hash == token_hash(token)))


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given), expected)


def blocked_for(session: Session, key: str, now: datetime | None = None) -> int:
    """Seconds ``key`` must still wait (0: go ahead)."""
    row = session.get(DeskThrottle, key)
    now = now or utcnow()
    if row is None or row.blocked_until is None:
        return 0
    left = (aware(row.blocked_until) - now).total_seconds()
    return max(0, int(left + 0.999))


def record_failure(session: Session, key: str, free: int = FREE_FAILURES) -> None:
    """One more failure for ``key``: from the ``free``-th in a window, block for a doubling
    time (30 s, 1 min, 2 min ... 15 min), so guessing stays slow whatever the client does."""
    now = utcnow()
    row = session.get(DeskThrottle, key)
    if row is None:
        row = DeskThrottle(key=key, failures=0, window_start=now)
        session.add(row)
    if now - aware(row.window_start) > WINDOW and not blocked_for(session, key, now):
        row.failures, row.window_start = 0, now
    row.failures += 1
    over = row.failures - free
    if over >= 0:
        row.blocked_until = now + min(MAX_BLOCK, FIRST_BLOCK * 2 ** min(over, 10))


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(DeskThrottle).where(DeskThrottle.key == key))
