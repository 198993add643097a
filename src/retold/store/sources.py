"""Sources and their health."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from retold.store.schema import Source, aware, utcnow

BACKOFF_START = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=12)


def add_source(session: Session, url: str, kind: str, name: str = "") -> tuple[Source, bool]:
    """Add a source; returns (source, created). Adding twice is harmless."""
    existing = session.scalar(select(Source).where(Source.url == url))
    if existing is not None:
        if not existing.enabled:
            existing.enabled = True
        return existing, False
    source = Source(url=url, kind=kind, name=name)
    session.add(source)
    session.flush()
    return source, True


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


def due_sources(
    session: Session, now: datetime, *, force: bool = False, scheduled: bool = False
) -> list[Source]:
    """Enabled sources not backing off (and, if ``scheduled``, due for a refresh)."""
    sources = session.scalars(select(Source).where(Source.enabled.is_(True)).order_by(Source.id))
    return [s for s in sources if force or is_due(s, now, scheduled=scheduled)]


def is_due(source: Source, now: datetime, *, scheduled: bool = False) -> bool:
    if source.next_attempt is not None and aware(source.next_attempt) > now:
        return False
    return not (scheduled and source.next_refresh and aware(source.next_refresh) > now)


def backoff_delay(failures: int) -> timedelta:
    """No delay after one failure (it may be a blip), then doubling from 5 minutes to 12 hours."""
    if failures < 2:
        return timedelta(0)
    return min(BACKOFF_START * (2 ** (failures - 2)), BACKOFF_MAX)


def record_success(
    source: Source,
    items: int,
    *,
    etag: str = "",
    last_modified: str = "",
    refresh: timedelta | None = None,
) -> None:
    now = utcnow()
    source.last_attempt = now
    source.last_success = now
    source.consecutive_failures = 0
    source.next_attempt = None
    source.next_refresh = now + refresh if refresh else None
    source.items_seen += items
    if etag or last_modified:
        source.etag, source.last_modified = etag, last_modified


def record_failure(source: Source, error: str, *, retry_after: timedelta | None = None) -> None:
    """Count a failure; the next attempt waits out the back-off or the server's
    Retry-After, whichever is longer."""
    now = utcnow()
    source.last_attempt = now
    source.last_error = error
    source.consecutive_failures += 1
    delay = max(backoff_delay(source.consecutive_failures), retry_after or timedelta(0))
    source.next_attempt = now + delay if delay else None


def last_interval(source: Source) -> float | None:
    """Seconds between the last success and the refresh it scheduled (None: none)."""
    if source.next_refresh is None or source.last_success is None:
        return None
    return (aware(source.next_refresh) - aware(source.last_success)).total_seconds()


def health(source: Source) -> str:
    """One word for `retold sources`."""
    if not source.enabled:
        return "disabled"
    if source.consecutive_failures == 0:
        return "ok" if source.last_success else "new"
    if source.next_attempt is not None:
        return "backing off"
    return "failing"
