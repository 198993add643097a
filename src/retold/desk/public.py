"""What the desk's record contributes to the published site (read by the publish stage)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from retold.desk.models import Correction
from retold.records import CorrectionNote
from retold.store.schema import aware


def corrections_by_article(
    session: Session, ids: Iterable[int] | None = None
) -> dict[int, list[CorrectionNote]]:
    """Each article's standing corrections, oldest first (only ``ids`` if given)."""
    query = select(Correction).where(Correction.withdrawn.is_(False))
    if ids is not None:
        query = query.where(Correction.article_id.in_(list(ids)))
    out: dict[int, list[CorrectionNote]] = {}
    for row in session.scalars(query.order_by(Correction.at, Correction.id)):
        out.setdefault(row.article_id, []).append(CorrectionNote(aware(row.at), row.note))
    return out
