"""Which article versions have a sentence the checker could not match, kept incrementally.

The queue needs "published with an unmatched sentence" for every article; asking
``sentence_checks`` each time reads every check in the newsroom (half a million rows at
100,000 articles). Instead the checks added since the last look (by id, an index range) are
read and their versions' counts recomputed, so a queue request costs what changed.
"""

from __future__ import annotations

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from retold.desk.models import DeskFlag, DeskMark
from retold.store.schema import SentenceCheckRow

MARK = "sentence_checks"
# Re-read this many ids below the mark: on PostgreSQL ids are handed out before commit, so
# a slow transaction can commit a check below ids already read.
MARGIN = 2_000


def sync(session: Session) -> None:
    mark = session.get(DeskMark, MARK)
    last = mark.value if mark else 0
    newest = session.scalar(select(func.max(SentenceCheckRow.id))) or 0
    if newest <= last and session.get_bind().dialect.name != "postgresql":
        return
    changed = select(SentenceCheckRow.article_version_id).where(
        SentenceCheckRow.id > max(0, last - MARGIN), SentenceCheckRow.id <= newest
    )
    versions = set(session.scalars(changed.distinct()))
    for chunk in _chunks(sorted(versions), 500):
        counts = session.execute(
            select(
                SentenceCheckRow.article_version_id,
                func.sum(case((SentenceCheckRow.verdict == "unsupported", 1), else_=0)),
                func.sum(case((SentenceCheckRow.verdict == "contradicted", 1), else_=0)),
            )
            .where(SentenceCheckRow.article_version_id.in_(chunk))
            .group_by(SentenceCheckRow.article_version_id)
        ).all()
        session.execute(delete(DeskFlag).where(DeskFlag.article_version_id.in_(chunk)))
        session.add_all(
            DeskFlag(article_version_id=v, unsupported=int(u or 0), contradicted=int(c or 0))
            for v, u, c in counts
            if (u or 0) + (c or 0) > 0
        )
    if mark is None:
        session.add(DeskMark(name=MARK, value=newest))
    else:
        mark.value = newest
    session.flush()


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
