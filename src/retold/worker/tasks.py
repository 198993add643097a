"""The one task: run a stage as one of several workers, over the items this worker leases."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from retold.claims import Claims
from retold.errors import RetoldError
from retold.ingest.fetch import Fetcher
from retold.logs import log_context
from retold.newsroom import Newsroom
from retold.pipeline import WHOLE_STAGES, run_stage, timed_stage
from retold.stages.report import RunReport
from retold.store.db import StoreUnavailable
from retold.worker.app import app
from retold.worker.turns import RedisTurns

log = logging.getLogger("retold")

# Set by `retold worker` before the pool starts; each pool process opens its own newsroom
# (a database connection must not cross a fork).
_root: Path | None = None
_room: Newsroom | None = None


def serve_newsroom(root: Path) -> None:
    global _root, _room
    _root, _room = root, None


def _newsroom() -> Newsroom:
    global _room
    if _room is None:
        if _root is None:
            raise RetoldError("Stage tasks run only in a process started by `retold worker`.")
        _room = Newsroom.open(_root, upgrade=False)  # an older schema is refused, not changed
    return _room


async def _pass(
    room: Newsroom, name: str, report: RunReport, claims: Claims, *, force: bool, scheduled: bool
) -> None:
    turns = RedisTurns(room.settings.worker.broker)
    try:
        async with Fetcher(room.fetch_policy(), turns=turns) as fetcher:
            await run_stage(
                room, name, report, fetcher, force=force, scheduled=scheduled, claims=claims
            )
    finally:
        await turns.aclose()


def work_on_stage(
    room: Newsroom, name: str, report: RunReport, claims: Claims, *, force: bool, scheduled: bool
) -> None:
    """Run ``name`` until none of its items is left in another worker's hands.

    Items another worker holds are waited for: finished by it, or, when its lease runs
    out (it died), taken over here. So when any copy of a stage task returns, the stage
    is done for this cycle, whichever workers are still alive.
    """
    while True:
        claims.busy.clear()
        if name in WHOLE_STAGES:
            with claims.hold(name) as mine:
                if mine:
                    asyncio.run(_pass(room, name, report, claims, force=force, scheduled=scheduled))
        else:
            asyncio.run(_pass(room, name, report, claims, force=force, scheduled=scheduled))
        if not claims.busy or not claims.wait_for_others():
            return
        report.count("leases_taken_over")


@app.task(
    name="retold.stage",
    autoretry_for=(StoreUnavailable, OperationalError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def stage_task(
    name: str, since: str, force: bool = False, scheduled: bool = False
) -> dict[str, Any]:
    """Run one stage for the cycle that began at ``since``; return its counts and problems."""
    room = _newsroom()
    report = RunReport()
    claims = Claims(
        room.db, seconds=room.settings.worker.lease_seconds, since=datetime.fromisoformat(since)
    )
    try:
        with log_context(stage=name), timed_stage(report, name):
            work_on_stage(room, name, report, claims, force=force, scheduled=scheduled)
    finally:
        claims.close()
    wall, cpu = report.timings[name]
    return {
        "stage": name,
        "worker": claims.holder,
        "items": claims.taken,
        "counts": dict(report.counts),
        "problems": report.problems[-100:],
        "failed_sources": report.failed_sources,
        "writer_unavailable": report.writer_unavailable,
        "seconds": wall,
        "cpu_seconds": cpu,
    }
