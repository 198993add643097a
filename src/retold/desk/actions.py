"""What an editor can do to an article, each recorded (who, when, what, why) and undoable.

Every action takes the article version the editor was looking at; if the pipeline wrote a
newer one meanwhile the action is refused with :class:`Conflict` instead of overwriting it.
An undo restores the recorded ``before`` state and is itself recorded. History only grows:
an edit, and the undo of an edit, add article versions; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from retold.desk.models import Correction, DeskAction, ReaderReport
from retold.errors import RetoldError
from retold.records import Draft, SentenceCheck, SourceDoc
from retold.store import articles as articles_store
from retold.store import documents as docs_store
from retold.store.documents import first_seen, plausible_date
from retold.store.schema import Article, ArticleVersion, Document, aware, utcnow
from retold.text.scripts import checker_supports, dominant_script
from retold.verify.checker import check_article
from retold.verify.label import label_for, with_review
from retold.verify.repair import sentences_of
from retold.verify.verbatim import verbatim_checks

# Checks sentences against the article's documents (the configured judge included).
Checker = Callable[[list[str], list[SourceDoc], dict[str, list[str]]], list[SentenceCheck]]

REASON_MAX = 2000
NOTE_MAX = 2000
TEXT_MAX = 20_000


class ActionError(RetoldError):
    """An action that can't be done as asked (shown to the editor as one sentence)."""


class Conflict(ActionError):
    """The article changed since the editor opened it."""


def rule_checker(judge_checks: Callable[[list[SentenceCheck]], list[SentenceCheck]]) -> Checker:
    """The pipeline's check (rules, then the configured judge) as one function."""

    def check(
        paragraphs: list[str], docs: list[SourceDoc], cites: dict[str, list[str]]
    ) -> list[SentenceCheck]:
        script = dominant_script("\n\n".join(d.text for d in docs))
        if not checker_supports(script):
            return verbatim_checks(sentences_of(paragraphs), docs, script)
        return judge_checks(check_article(sentences_of(paragraphs), docs, cites=cites))

    return check


def documents(session: Session, version: ArticleVersion) -> list[Document]:
    ids = [s["document_id"] for s in version.sources if "document_id" in s]
    if not ids:
        return []
    found = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def source_docs(session: Session, version: ArticleVersion) -> list[SourceDoc]:
    return [docs_store.as_source_doc(d) for d in documents(session, version)]


def _iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def snapshot(article: Article, version: ArticleVersion) -> dict[str, Any]:
    return {
        "status": article.status,
        "reviewed_at": _iso(article.reviewed_at),
        "published_at": _iso(article.published_at),
        "date_kind": article.date_kind,
        "version": article.current_version,
        "label": version.label,
    }


def _article(session: Session, article_id: int, seen_version: int | None) -> Article:
    article = session.get(Article, article_id, with_for_update=True)
    if article is None:
        raise ActionError("There is no such article.")
    if seen_version is not None and article.current_version != seen_version:
        raise Conflict(
            f"This article changed since you opened it (version {seen_version} is now "
            f"version {article.current_version}); nothing was saved. Reload it and try again."
        )
    return article


def _record(
    session: Session,
    user: str,
    action: str,
    article: Article | None,
    before: dict[str, Any],
    *,
    reason: str = "",
    detail: str = "",
) -> DeskAction:
    after: dict[str, Any] = {}
    if article is not None:
        session.flush()
        after = snapshot(article, articles_store.current_version(session, article))
    row = DeskAction(
        user=user,
        action=action,
        article_id=article.id if article else None,
        reason=reason[:REASON_MAX],
        detail=detail,
        before=before,
        after=after,
    )
    session.add(row)
    session.flush()
    return row


def record_event(session: Session, user: str, action: str, detail: str = "") -> None:
    """Something not about an article (a sign-in, a user added): for the audit log."""
    _record(session, user, action, None, {}, detail=detail)


def _publish_dates(session: Session, article: Article, version: ArticleVersion) -> None:
    """As the verify stage dates a first publication: the sources' date, else first seen."""
    if article.published_at is not None and plausible_date(article.published_at):
        return
    docs = documents(session, version)
    dates = [d for d in (plausible_date(doc.published) for doc in docs) if d]
    if dates:
        article.published_at, article.date_kind = min(max(dates), utcnow()), "published"
    else:
        article.published_at, article.date_kind = first_seen(docs) or utcnow(), "first_seen"


def _label(session: Session, version: ArticleVersion, reviewed: datetime | None) -> str:
    """The version's label with (or without) the review, recomputed if it had none."""
    on = aware(reviewed).date() if reviewed else None
    if version.label and not version.label.startswith("Repaired"):
        return with_review(version.label, on)
    checks = articles_store.load_checks(version)
    return label_for(
        checks or None,
        backend=version.backend,
        imagined=version.imagined,
        reviewed_on=on,
        sources=max(1, len(version.sources)),
    )


def approve(session: Session, user: str, article_id: int, seen_version: int) -> DeskAction:
    article = _article(session, article_id, seen_version)
    version = articles_store.current_version(session, article)
    if not version.checked:
        raise ActionError(
            "This version has not been checked yet: use Check again first (or wait for the "
            "next run), so you approve it knowing its verdicts."
        )
    before = snapshot(article, version)
    article.reviewed_at = utcnow()
    article.status = "published"
    article.updated_at = utcnow()
    _publish_dates(session, article, version)
    version.label = _label(session, version, article.reviewed_at)
    version.checked = True  # checked already: `retold build` alone publishes the review
    return _record(session, user, "approve", article, before, detail="Approved and published.")


def reject(
    session: Session, user: str, article_id: int, seen_version: int, reason: str
) -> DeskAction:
    if not reason.strip():
        raise ActionError("Say why the article is rejected.")
    article = _article(session, article_id, seen_version)
    before = snapshot(article, articles_store.current_version(session, article))
    article.status, article.updated_at = "rejected", utcnow()
    return _record(session, user, "reject", article, before, reason=reason, detail="Rejected.")


def unpublish(
    session: Session, user: str, article_id: int, seen_version: int, reason: str
) -> DeskAction:
    article = _article(session, article_id, seen_version)
    if article.status != "published":
        raise ActionError("Only a published article can be unpublished.")
    before = snapshot(article, articles_store.current_version(session, article))
    article.status, article.updated_at = "unpublished", utcnow()
    detail = "Taken off the site (the next build removes it)."
    return _record(session, user, "unpublish", article, before, reason=reason, detail=detail)


def recheck(
    session: Session, user: str, article_id: int, seen_version: int, check: Checker
) -> DeskAction:
    article = _article(session, article_id, seen_version)
    version = articles_store.current_version(session, article)
    before = snapshot(article, version)
    before["checks"] = [c.__dict__ for c in articles_store.load_checks(version)]
    checks = check(list(version.paragraphs), source_docs(session, version), dict(version.cites))
    articles_store.save_checks(session, version, checks)
    before["checked"] = version.checked
    version.checked = True  # checked now: the pipeline need not check it again
    version.label = _fresh_label(session, version, checks, article.reviewed_at)
    failing = sum(c.verdict != "supported" for c in checks)
    detail = f"Checked again: {len(checks) - failing} of {len(checks)} sentences match."
    return _record(session, user, "recheck", article, before, detail=detail)


def _fresh_label(
    session: Session,
    version: ArticleVersion,
    checks: Sequence[SentenceCheck],
    reviewed: datetime | None,
) -> str:
    return label_for(
        list(checks) or None,
        backend=version.backend,
        imagined=version.imagined,
        reviewed_on=aware(reviewed).date() if reviewed else None,
        sources=max(1, len(documents(session, version))),
    )


def paragraphs_of(body: str) -> list[str]:
    """The body as typed: paragraphs separated by blank lines, each on one line."""
    blocks = [" ".join(block.split()) for block in body.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]


def preview(session: Session, article_id: int, body: str, check: Checker) -> list[SentenceCheck]:
    """Verdicts for an edited body, saving nothing (shown before the editor saves)."""
    article = _article(session, article_id, None)
    version = articles_store.current_version(session, article)
    paragraphs = paragraphs_of(body[:TEXT_MAX])
    return check(paragraphs, source_docs(session, version), dict(version.cites))


def edit(
    session: Session,
    user: str,
    article_id: int,
    seen_version: int,
    fields: dict[str, str],
    check: Checker,
    reason: str = "",
) -> DeskAction:
    """A new version with the editor's text, every sentence checked before it is saved."""
    headline = " ".join(fields.get("headline", "").split())[:300]
    standfirst = " ".join(fields.get("standfirst", "").split())[:600]
    teaser = " ".join(fields.get("teaser", "").split())[:600]
    paragraphs = paragraphs_of(fields.get("body", "")[:TEXT_MAX])
    if not headline or not paragraphs:
        raise ActionError("An article needs a headline and a body.")
    article = _article(session, article_id, seen_version)
    old = articles_store.current_version(session, article)
    before = snapshot(article, old)
    checks = check(paragraphs, source_docs(session, old), dict(old.cites))
    changed = [
        name
        for name, new, was in (
            ("headline", headline, old.headline),
            ("standfirst", standfirst, old.standfirst),
            ("body", paragraphs, list(old.paragraphs)),
            ("teaser", teaser, old.teaser),
        )
        if new != was
    ]
    if not changed:
        raise ActionError("Nothing was changed.")
    version = _new_version(session, article, old, headline, standfirst, paragraphs, teaser)
    version.note = f"Edited on the desk by {user}."
    matched = _store_checks(session, version, checks, article)
    detail = (
        f"Edited the {', '.join(changed)} (version {old.version} to {version.version}); {matched}"
    )
    return _record(session, user, "edit", article, before, reason=reason, detail=detail)


def _store_checks(
    session: Session, version: ArticleVersion, checks: list[SentenceCheck], article: Article
) -> str:
    """Save a new version's checks and label; say how many sentences match, for the log."""
    articles_store.save_checks(session, version, checks)
    version.label = _fresh_label(session, version, checks, article.reviewed_at)
    failing = sum(c.verdict != "supported" for c in checks)
    return f"{len(checks) - failing} of {len(checks)} sentences match the source."


def _new_version(
    session: Session,
    article: Article,
    old: ArticleVersion,
    headline: str,
    standfirst: str,
    paragraphs: list[str],
    teaser: str,
) -> ArticleVersion:
    article.current_version += 1
    article.updated_at = utcnow()
    article.embedding = None  # new text, new vector for related lists
    version = ArticleVersion(
        article_id=article.id,
        version=article.current_version,
        headline=headline,
        standfirst=standfirst,
        paragraphs=paragraphs,
        teaser=teaser,
        topics=list(old.topics),
        sources=list(old.sources),
        backend=old.backend,
        model=old.model,
        prompt_version=old.prompt_version,
        imagined=old.imagined,
        cites=dict(old.cites or {}),
        checked=True,  # checked here, before saving: the pipeline leaves it as it is
    )
    session.add(version)
    session.flush()
    return version


def rewrite(
    session: Session,
    user: str,
    article_id: int,
    seen_version: int,
    draft: Draft,
    check: Checker,
    brief: str,
) -> DeskAction:
    """A new version from the writer, asked again with the editor's brief; checked first."""
    article = _article(session, article_id, seen_version)
    old = articles_store.current_version(session, article)
    same = (draft.headline, list(draft.paragraphs)) == (old.headline, list(old.paragraphs))
    if same:
        raise ActionError("The writer wrote the same article again; nothing was saved.")
    before = snapshot(article, old)
    checks = check(list(draft.paragraphs), source_docs(session, old), dict(draft.cites))
    version = _new_version(
        session, article, old, draft.headline, draft.standfirst, list(draft.paragraphs),
        draft.teaser,
    )  # fmt: skip
    version.backend, version.model, version.cites = draft.backend, draft.model, dict(draft.cites)
    version.prompt_version = draft.prompt_version
    version.tokens_in, version.tokens_out = draft.tokens_in, draft.tokens_out
    version.note = f"Rewritten by the writer on the desk for {user}."
    matched = _store_checks(session, version, checks, article)
    detail = (
        f"Rewritten by the {draft.backend} writer (version {old.version} to {version.version}); "
        f"{matched}"
    )
    return _record(session, user, "rewrite", article, before, reason=brief, detail=detail)


def correct(
    session: Session, user: str, article_id: int, seen_version: int, note: str
) -> DeskAction:
    note = " ".join(note.split())[:NOTE_MAX]
    if not note:
        raise ActionError("A correction needs a note saying what was wrong.")
    article = _article(session, article_id, seen_version)
    if article.status != "published":
        raise ActionError("Corrections are for published articles.")
    before = snapshot(article, articles_store.current_version(session, article))
    row = Correction(article_id=article.id, note=note, user=user)
    session.add(row)
    session.flush()
    before["correction_id"] = row.id
    article.updated_at = utcnow()
    return _record(session, user, "correct", article, before, detail=f"Correction: {note}")


def resolve_report(session: Session, user: str, report_id: int) -> DeskAction:
    report = session.get(ReaderReport, report_id)
    if report is None:
        raise ActionError("There is no such report.")
    article = _article(session, report.article_id, None)
    before = snapshot(article, articles_store.current_version(session, article))
    before["report_id"] = report.id
    report.resolved = True
    return _record(session, user, "resolve", article, before, detail=f"Report {report.id} done.")


def undo(session: Session, user: str, action_id: int) -> DeskAction:
    done = session.get(DeskAction, action_id)
    if done is None or done.article_id is None or done.action == "undo":
        raise ActionError("That action can't be undone.")
    if done.undone_by is not None:
        raise ActionError("That action was undone already.")
    article = _article(session, done.article_id, None)
    version = articles_store.current_version(session, article)
    if snapshot(article, version) != done.after:
        raise Conflict(
            "This article changed after that action, so undoing it would lose later work; "
            "reload it and act on what it is now."
        )
    before, was = snapshot(article, version), done.before
    if done.action in ("edit", "rewrite"):
        old = session.scalar(
            select(ArticleVersion).where(
                ArticleVersion.article_id == article.id, ArticleVersion.version == was["version"]
            )
        )
        assert old is not None
        version = _new_version(
            session, article, old, old.headline, old.standfirst, list(old.paragraphs), old.teaser
        )
        version.note = f"Restored version {old.version} on the desk ({user})."
        articles_store.save_checks(session, version, articles_store.load_checks(old))
    elif done.action == "recheck":
        articles_store.save_checks(
            session, version, [SentenceCheck(**c) for c in was.get("checks", [])]
        )
        version.checked = bool(was.get("checked", True))
    elif done.action == "correct":
        correction = session.get(Correction, was["correction_id"])
        if correction is not None:
            correction.withdrawn = True
    elif done.action == "resolve":
        report = session.get(ReaderReport, was["report_id"])
        if report is not None:
            report.resolved = False
    article.status = was["status"]
    article.reviewed_at = _when(was["reviewed_at"])
    article.published_at = _when(was["published_at"])
    article.date_kind = was["date_kind"]
    article.updated_at = utcnow()
    version.label = was["label"]
    row = _record(session, user, "undo", article, before, detail=f"Undid {done.action} #{done.id}.")
    done.undone_by = row.id
    return row
