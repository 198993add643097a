"""Runs the stages in order. This is the only place that knows the order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import select

from .ingest.fetch import Fetcher, FetchPolicy
from .newsroom import Newsroom
from .stages.cluster import cluster_documents
from .stages.ingest import collect, fetch_documents
from .stages.publish import publish
from .stages.relate import relate_articles
from .stages.report import RunReport
from .stages.verify import verify_articles
from .stages.write import write_stories
from .store.schema import Run, utcnow
from .write.backend import WriterBackend

Progress = Callable[[str, int, int], None]

STAGES = ("fetch", "extract", "cluster", "write", "verify", "relate", "publish")


def fetch_policy(room: Newsroom) -> FetchPolicy:
    cfg = room.settings.fetch
    return FetchPolicy(
        user_agent=cfg.user_agent,
        concurrency=cfg.concurrency,
        per_host=cfg.per_host,
        per_host_delay=cfg.per_host_delay,
        total_timeout=cfg.timeout,
        max_bytes=cfg.max_bytes,
        respect_robots=cfg.respect_robots,
        allow_hosts=frozenset(cfg.allow_hosts),
    )


async def run_stages(
    room: Newsroom,
    report: RunReport,
    *,
    force: bool = False,
    progress: Progress | None = None,
    writer: WriterBackend | None = None,
    stage: Callable[[str], None] | None = None,
) -> None:
    note = stage or (lambda _name: None)
    tick = progress or (lambda _s, _d, _t: None)
    async with Fetcher(fetch_policy(room)) as fetcher:
        note("fetch")
        await collect(room, fetcher, report, force=force, progress=tick)
        note("extract")
        await fetch_documents(room, fetcher, report, progress=tick)
    note("cluster")
    cluster_documents(room, report)
    note("write")
    await write_stories(room, report, progress=tick, writer=writer)
    note("verify")
    verify_articles(room, report, progress=tick)
    note("relate")
    relate_articles(room, report)
    note("publish")
    publish(room, report)


def run(
    room: Newsroom,
    *,
    force: bool = False,
    progress: Progress | None = None,
    writer: WriterBackend | None = None,
    stage: Callable[[str], None] | None = None,
) -> RunReport:
    """Every stage once. Each stage commits as it goes, so an interrupted run loses nothing."""
    report = RunReport()
    with room.db.transaction() as session:
        row = Run()
        session.add(row)
        session.flush()
        run_id = row.id
    try:
        asyncio.run(
            run_stages(room, report, force=force, progress=progress, writer=writer, stage=stage)
        )
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        with room.db.transaction() as session:
            done = session.get(Run, run_id)
            assert done is not None
            done.finished_at = utcnow()
            done.status = report.status
            done.stats = dict(report.counts)
            done.problems = report.problems[-200:]
    return report


def last_runs(room: Newsroom, limit: int = 10) -> list[Run]:
    with room.db.transaction() as session:
        return list(session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
