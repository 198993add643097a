"""The record of each run: when it started and finished, what it did, what went wrong."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from retold.store.schema import Run


def last_runs(session: Session, limit: int = 10) -> list[Run]:
    """The latest runs, newest first."""
    return list(session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))


def run_summaries(session: Session, limit: int = 5, problems: int = 20) -> list[dict[str, Any]]:
    """The latest runs as plain rows (at most `problems` problems each), newest first."""
    return [
        {
            "id": r.id,
            "started": r.started_at,
            "finished": r.finished_at,
            "status": r.status,
            "stats": r.stats,
            "problems": r.problems[:problems],
        }
        for r in last_runs(session, limit)
    ]
