"""Check every unchecked article version against its sources; repair, hold or publish.

Each check is a counted attempt, like a write (see stages/write.py): an article whose
check raises is left for the next run while the others go on, and one that fails or
kills the process on MAX_ATTEMPTS tries is quarantined with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session

from retold.claims import Claims, claim
from retold.logs import log_context
from retold.newsroom import Newsroom
from retold.records import Draft, SentenceCheck, SourceDoc
from retold.stages.attempts import record_failure, settle_failures, uncount_attempt
from retold.stages.report import Failures, RunReport
from retold.store import articles as articles_store
from retold.store import documents as docs_store
from retold.store.documents import first_seen, plausible_date
from retold.store.schema import Article, ArticleVersion, Document, Story, aware, utcnow
from retold.text.scripts import checker_supports, dominant_script
from retold.verify.checker import Cites, check_article, forget_sources
from retold.verify.judges import Judge, get_judge, judge_checks
from retold.verify.label import label_for
from retold.verify.policy import MIN_SENTENCES
from retold.verify.repair import check_and_repair, sentence_count, sentences_of
from retold.verify.verbatim import verbatim_checks

STANDFIRST = -2  # SentenceCheck.paragraph of the standfirst's check (the headline's is -1)

Progress = Callable[[str, int, int], None]


def open_judge(room: Newsroom) -> Judge | None:
    """The stronger judge from [checker] judge (None when off; see resolve_judge)."""
    return get_judge(room.judge_name(), room.judge_settings())


def verify_articles(
    room: Newsroom,
    report: RunReport,
    progress: Progress | None = None,
    claims: Claims | None = None,
) -> None:
    """Check every unchecked article (with ``claims``, a worker: those it can lease)."""
    # Another worker's article in hand looks like a crashed try: leave it to that worker.
    elsewhere = claims.others_hold("verify:article:") if claims else set()
    with room.db.transaction() as session:
        todo: list[tuple[int, int]] = []
        suspects: list[tuple[int, int]] = []  # tried before and never finished: go last
        for v in articles_store.unchecked_versions(session):
            if claims and f"verify:article:{v.article_id}" in elsewhere:
                claims.busy.add(f"verify:article:{v.article_id}")
                continue
            article = session.get(Article, v.article_id)
            assert article is not None
            if article.attempts >= articles_store.MAX_ATTEMPTS:
                # Its last check never finished (the process died): set it aside for good.
                reason = articles_store.quarantine(article)
                report.count("articles_quarantined")
                report.problem(f"Article {article.slug}: {reason}")
                continue
            (suspects if article.attempts else todo).append((v.id, article.id))
        todo += suspects
    if not todo:
        return
    judge = open_judge(room)

    def check(paragraphs: list[str], docs: list[SourceDoc], cites: Cites) -> list[SentenceCheck]:
        script = dominant_script("\n\n".join(d.text for d in docs))
        if not checker_supports(script):
            # The rules read Latin letters: elsewhere only a verbatim copy can be checked.
            return verbatim_checks(sentences_of(paragraphs), docs, script)
        checks = check_article(sentences_of(paragraphs), docs, cites=cites)
        return judge_checks(judge, checks, weight=room.settings.checker.judge_weight)

    failures = Failures()
    for done, (version_id, article_id) in enumerate(todo, 1):
        with (
            log_context(article_id=article_id),
            claim(claims, f"verify:article:{article_id}") as mine,
        ):
            if not mine or (claims and not _still_unchecked(room, version_id)):
                continue
            with room.db.transaction() as session:  # counted before the check: a crash counts
                article = session.get(Article, article_id)
                assert article is not None
                articles_store.begin_attempt(article)
            # What a failed check counted is rolled back with it.
            counts, problems = report.counts.copy(), len(report.problems)
            try:
                with room.db.transaction() as session:  # one article, one transaction
                    version = session.get(ArticleVersion, version_id)
                    assert version is not None
                    _verify_one(room, session, version, report, check)
                    article = session.get(Article, article_id)
                    assert article is not None
                    articles_store.end_attempt(article)
            except Exception as err:  # noqa: BLE001 - one article's bug must not stop the others
                report.counts, report.problems[problems:] = counts, []
                if not record_failure(room, failures, Article, article_id, err):
                    raise
            except BaseException:
                uncount_attempt(room, Article, article_id)  # Ctrl-C: not the article's fault
                raise
            else:
                failures.succeeded += 1
            if progress:
                progress("articles", done, len(todo))
    forget_sources()  # the next stages load their own model: hold only one at a time
    settle_failures(room, report, failures, Article)


def _still_unchecked(room: Newsroom, version_id: int) -> bool:
    with room.db.transaction() as session:
        version = session.get(ArticleVersion, version_id)
        return version is not None and articles_store.waiting_to_check(session, version)


def _docs_for(session: Session, version: ArticleVersion) -> list[SourceDoc]:
    return [docs_store.as_source_doc(d) for d in _documents_for(session, version)]


def _documents_for(session: Session, version: ArticleVersion) -> list[Document]:
    ids = [s["document_id"] for s in version.sources]
    docs = [session.get(Document, i) for i in ids]
    return [d for d in docs if d is not None]


def _verify_one(
    room: Newsroom,
    session: Session,
    version: ArticleVersion,
    report: RunReport,
    check: Callable[[list[str], list[SourceDoc], Cites], list[SentenceCheck]],
) -> None:
    article = session.get(Article, version.article_id)
    assert article is not None
    cfg = room.settings.checker
    reviewed_on = aware(article.reviewed_at).date() if article.reviewed_at else None
    if not cfg.enabled or version.imagined:
        # Nothing could be checked: the page says so with the seed label.
        version.checked = True
        version.label = label_for(
            None, backend=version.backend, imagined=version.imagined, reviewed_on=reviewed_on
        )
        if _too_short(article, version, list(version.paragraphs), report):
            return
        _publish(session, article, version, report)
        return
    docs = _docs_for(session, version)
    paragraphs = list(version.paragraphs)
    if _too_short(article, version, paragraphs, report):
        return
    # An editor approved this text: publish it as approved, marks and all; never rewrite it.
    cites = dict(version.cites or {})
    outcome = check_and_repair(
        paragraphs,
        check(paragraphs, docs, cites),
        lambda repaired: check(repaired, docs, cites),
        policy="mark" if article.reviewed_at else cfg.policy,
        max_rounds=cfg.max_repair_rounds,
    )
    checks, decision = outcome.checks, outcome.decision
    if outcome.repaired:
        # Keep the writer's original, with what the checker found in it, as its own
        # version; the repaired text is a new one.
        version.checked = True
        version.label = "Repaired: see the next version."
        articles_store.save_checks(session, version, outcome.first_checks)
        story = session.get(Story, article.story_id)
        assert story is not None
        draft = _draft_of(version, outcome.paragraphs, outcome.note)
        version = articles_store.add_version(session, story, draft, version.sources, utcnow())
        report.count("articles_repaired")
    version.repair_rounds = outcome.rounds
    version.checked = True
    # The standfirst is checked like the body and kept with it (paragraph -2, as
    # SentenceCheck says); the label still counts the body's sentences.
    standfirst = _standfirst_checks(version.standfirst, docs, cites, check)
    articles_store.save_checks(session, version, [*checks, *standfirst])
    report.count("sentences_checked", len(checks) + len(standfirst))
    report.count("sentences_unsupported", sum(c.verdict != "supported" for c in checks))
    replaced, removed = outcome.changes
    version.label = label_for(
        checks,
        backend=version.backend,
        imagined=False,
        reviewed_on=reviewed_on,
        sources=len(docs),
        replaced=replaced,
        removed=removed,
    )
    if decision.action == "hold" and article.reviewed_at is None:
        article.status = "held"
        report.count("articles_held")
        report.problem(f"Held for an editor: '{version.headline}' ({_failing(checks)}).")
    else:
        _publish(session, article, version, report)


def _standfirst_checks(
    standfirst: str,
    docs: list[SourceDoc],
    cites: Cites,
    check: Callable[[list[str], list[SourceDoc], Cites], list[SentenceCheck]],
) -> list[SentenceCheck]:
    if not standfirst.strip():
        return []
    return [replace(c, paragraph=STANDFIRST) for c in check([standfirst], docs, cites)]


def _failing(checks: list[SentenceCheck]) -> str:
    bad = [c for c in checks if c.verdict != "supported"]
    return f"{len(bad)} of {len(checks)} sentences could not be matched to the source"


def _too_short(
    article: Article, version: ArticleVersion, paragraphs: list[str], report: RunReport
) -> bool:
    """Hold a body too short to be an article (the writer stage normally skips these first).

    An imagined item from a teaser may be short, but never empty. Nothing is labelled:
    an empty body must never carry a label that reads as if it were an article.
    """
    sentences = sentence_count(paragraphs)
    if sentences >= (1 if version.imagined else MIN_SENTENCES) or article.reviewed_at:
        return False
    version.checked = True
    version.label = ""
    article.status = "held"
    report.count("articles_held")
    report.problem(
        f"Held for an editor: '{version.headline}' (only {sentences} sentence"
        f"{'' if sentences == 1 else 's'} of body)."
    )
    return True


def _publish(
    session: Session, article: Article, version: ArticleVersion, report: RunReport
) -> None:
    article.status = "published"
    article.updated_at = utcnow()
    if article.date_kind == "first_seen" or plausible_date(article.published_at) is None:
        # The story's own date orders the index; a retelling is news when its source is.
        # Without a plausible one, the date is when Retold first saw the sources, and the
        # site says "First seen" rather than pretend it is a publication date.
        documents = _documents_for(session, version)
        dates = [d for d in (plausible_date(doc.published) for doc in documents) if d]
        if dates:
            article.published_at, article.date_kind = min(max(dates), utcnow()), "published"
        else:
            article.published_at = first_seen(documents) or utcnow()
            article.date_kind = "first_seen"
    report.count("articles_published")


def _draft_of(version: ArticleVersion, paragraphs: list[str], note: str) -> Draft:
    return Draft(
        headline=version.headline,
        standfirst=version.standfirst,
        paragraphs=paragraphs,
        teaser=version.teaser,
        topics=list(version.topics),
        backend=version.backend,
        model=version.model,
        prompt_version=version.prompt_version,
        note=note,
        cites=dict(version.cites or {}),
    )
