"""Counted attempts at an item (a story to write, an article to check) and their failures.

Both the write and the verify stage count a try before making it, so that a crash still
counts, and judge the stage's failures together at its end (see settle_failures).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from retold.newsroom import Newsroom
from retold.stages.report import Failures, RunReport, error_sentence, item_fault
from retold.store import articles as articles_store
from retold.store.schema import Article, Story


def record_failure(
    room: Newsroom,
    failures: Failures,
    model: type[Story] | type[Article],
    item_id: int,
    err: Exception,
) -> bool:
    """Record that an item's try raised; False when it isn't the item's fault (re-raise it)."""
    if not item_fault(err):
        uncount_attempt(room, model, item_id)
        return False
    failures.errors[item_id] = error_sentence(err)
    with room.db.transaction() as session:  # kept even if the process dies next
        item = item_of(session, model, item_id)
        assert item is not None
        item.last_error = failures.errors[item_id]
    return True


def settle_failures(
    room: Newsroom, report: RunReport, failures: Failures, model: type[Story] | type[Article]
) -> None:
    """Count the stage's failed items, quarantining those that have had their tries.

    An error that many items share is the surroundings' (a model answering garbage, a
    dependency down): it fails the run but counts towards no item's quarantine.
    """
    shared = failures.shared()
    noun = "Story" if model is Story else "Article"
    key = "stories" if model is Story else "articles"
    with room.db.transaction() as session:
        for item_id, error in failures.errors.items():
            item = item_of(session, model, item_id)
            assert item is not None
            if shared and error == shared:
                articles_store.undo_attempt(item)
                report.count(f"{key}_failed")
            elif articles_store.spent(item):
                report.count(f"{key}_quarantined")
                report.problem(f"{noun} {item_id}: {item.last_error}")
            else:
                report.count(f"{key}_failed")
                report.problem(f"{noun} {item_id} failed and will be tried again: {error}")
    if shared:
        times = sum(error == shared for error in failures.errors.values())
        report.problem(
            f"{times} {key} failed with the same error, so none of them is blamed for it "
            f"(none moves closer to quarantine): {shared}"
        )


def uncount_attempt(room: Newsroom, model: type[Story] | type[Article], item_id: int) -> None:
    """Take back a try that something else stopped (Ctrl-C, a failing disk)."""
    with room.db.transaction() as session:
        item = item_of(session, model, item_id)
        if item is not None:
            articles_store.undo_attempt(item)


def item_of(
    session: Session, model: type[Story] | type[Article], item_id: int
) -> Story | Article | None:
    return session.get(Story, item_id) if model is Story else session.get(Article, item_id)
