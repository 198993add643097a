"""What the newsroom holds and what its model cost: the numbers `status` and `stats` show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from retold.store import leases
from retold.store.articles import QUARANTINED
from retold.store.runs import last_runs
from retold.store.schema import Article, ArticleVersion, Document, Story

# Prices per million tokens (in, out) by model name, from [writer] prices in retold.toml.
Prices = Mapping[str, tuple[float, float]]


def counts(session: Session) -> dict[str, int]:
    """How many documents, stories and articles the newsroom holds, by state."""

    def count(model: type, *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(*where)
        return int(session.scalar(query) or 0)

    return {
        "documents": count(Document),
        "documents_failed": count(Document, Document.status == "failed"),
        "stories": count(Story),
        "stories_skipped": count(Story, Story.status == "skipped"),
        "stories_pending": count(Story, Story.needs_write.is_(True), Story.status != QUARANTINED),
        "stories_quarantined": count(Story, Story.status == QUARANTINED),
        "articles_published": count(Article, Article.status == "published"),
        "articles_held": count(Article, Article.status == "held"),
        "articles_quarantined": count(Article, Article.status == QUARANTINED),
    }


def stages(session: Session) -> dict[str, dict[str, int]]:
    """Per stage: how many items wait for it (queued), are being retried after a try that
    did not finish (retrying), gave up or were set aside (failed, held, skipped) and are
    done. A run in progress shows in the runs list as `running`."""

    def count(model: type, *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(*where)
        return int(session.scalar(query) or 0)

    ready = Document.status == "ready"
    current = ArticleVersion.version == Article.current_version
    unchecked = (
        select(func.count())
        .select_from(ArticleVersion)
        .join(Article, ArticleVersion.article_id == Article.id)
        .where(current, ArticleVersion.checked.is_(False), Article.status != QUARANTINED)
    )
    to_write = (Story.needs_write.is_(True), Story.status != QUARANTINED)
    # Items in a worker's hands now (its live lease), by the stage that leased them.
    working: Counter[str] = Counter()
    for lease in leases.holders(session):
        word = lease.name.split(":")[0]
        working[LEASED_STAGE.get(word, word)] += 1
    table = {
        "fetch": {
            "queued": count(Document, Document.status == "pending"),
            "failed": count(Document, Document.status == "failed"),
            "done": count(Document, ready),
        },
        "cluster": {
            "queued": count(Document, ready, Document.story_id.is_(None)),
            "done": count(Document, ready, Document.story_id.is_not(None)),
        },
        "write": {
            "queued": count(Story, *to_write),
            "retrying": count(Story, *to_write, Story.attempts > 0),
            "failed": count(Story, Story.status == QUARANTINED),
            "skipped": count(Story, Story.status == "skipped", Story.needs_write.is_(False)),
            "done": count(Story, Story.status == "written", Story.needs_write.is_(False)),
        },
        "verify": {
            "queued": int(session.scalar(unchecked) or 0),
            "retrying": count(Article, Article.status == "draft", Article.attempts > 0),
            "failed": count(Article, Article.status == QUARANTINED),
            "held": count(Article, Article.status == "held"),
            "done": count(Article, Article.status == "published"),
        },
        "relate": {
            "queued": count(Article, Article.status == "published", Article.embedding.is_(None)),
            "done": count(Article, Article.status == "published", Article.embedding.is_not(None)),
        },
    }
    for stage, states in table.items():
        if working[stage]:
            states["in_progress"] = working[stage]
    return table


# A lease's first word → the row of `retold status` it shows in: reading a source and
# fetching a page (fetched and extracted in one step) both show as "fetch".
LEASED_STAGE = {"extract": "fetch", "fetch": "fetch"}


def held(session: Session) -> list[dict[str, str]]:
    """Held articles, so an editor can find what to review and approve."""
    query = (
        select(Article.slug, ArticleVersion.headline, ArticleVersion.label)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(Article.status == "held", ArticleVersion.version == Article.current_version)
    )
    return [{"slug": s, "headline": h, "label": lbl} for s, h, lbl in session.execute(query)]


class Written(NamedTuple):
    """One article version's model use."""

    backend: str
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: float
    created_at: datetime


def cost(tokens_in: int, tokens_out: int, model: str, prices: Prices) -> float:
    """What the tokens cost, with prices per million tokens (in, out) from retold.toml."""
    price_in, price_out = prices.get(model, (0.0, 0.0))
    return (tokens_in * price_in + tokens_out * price_out) / 1_000_000


def written(session: Session) -> list[Written]:
    query = select(
        ArticleVersion.backend,
        ArticleVersion.model,
        ArticleVersion.tokens_in,
        ArticleVersion.tokens_out,
        ArticleVersion.latency_ms,
        ArticleVersion.created_at,
    )
    return [Written(*row) for row in session.execute(query)]


def usage(
    session: Session, prices: Prices, runs: int = 20
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Token use and cost per model, and per run (article versions written during each of
    the last `runs` runs)."""
    versions = written(session)
    spans = [(r.id, r.started_at, r.finished_at) for r in last_runs(session, runs)]
    return usage_by_model(versions, prices), usage_by_run(versions, spans, prices)


def usage_by_model(versions: Sequence[Written], prices: Prices) -> list[dict[str, Any]]:
    by_model: dict[tuple[str, str], list[Written]] = {}
    for v in versions:
        by_model.setdefault((v.backend, v.model), []).append(v)
    rows = []
    for (backend, model), group in by_model.items():
        n = len(group)
        total = sum(cost(v.tokens_in, v.tokens_out, model, prices) for v in group)
        latency = sum(v.latency_ms for v in group)
        rows.append(
            {
                "backend": backend,
                "model": model or "-",
                "tokens_in": sum(v.tokens_in for v in group),
                "tokens_out": sum(v.tokens_out for v in group),
                "latency_ms": latency,  # the total; --json has always carried it
                "cost": round(total, 6),
                "versions": n,
                "avg_latency_ms": round(latency / n, 1),
                "cost_per_article": round(total / n, 6),
            }
        )
    return rows


def usage_by_run(
    versions: Sequence[Written],
    runs: Sequence[tuple[int, datetime, datetime | None]],
    prices: Prices,
) -> list[dict[str, Any]]:
    rows = []
    for run_id, started, finished in runs:
        inside = [
            v
            for v in versions
            if v.created_at >= started and (finished is None or v.created_at <= finished)
        ]
        total = sum(cost(v.tokens_in, v.tokens_out, v.model, prices) for v in inside)
        rows.append(
            {
                "run": run_id,
                "articles": len(inside),
                "tokens_in": sum(v.tokens_in for v in inside),
                "tokens_out": sum(v.tokens_out for v in inside),
                "cost": round(total, 6),
                "cost_per_article": round(total / len(inside), 6) if inside else 0,
            }
        )
    return rows
