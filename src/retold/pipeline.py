"""Runs the stages in order. This is the only place that knows the order.

A run holds the newsroom lock from start to end, and the status it records is the
truth: ``ok``/``partial``/``pending`` from the report, ``failed`` when an exception
stopped it, ``interrupted`` for Ctrl-C, SIGTERM or SIGHUP. A run that could record
nothing (SIGKILL, power cut) stays ``running`` until the next run takes the lock:
a run row still ``running`` then can only belong to a dead process, so it is marked
``interrupted``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from retold.claims import Claims
from retold.errors import RetoldError
from retold.ingest.fetch import Fetcher, FetchPolicy
from retold.logs import log_context
from retold.newsroom import Newsroom
from retold.stages.cluster import cluster_documents
from retold.stages.ingest import collect, fetch_documents
from retold.stages.publish import publish
from retold.stages.relate import relate_articles
from retold.stages.report import RunReport
from retold.stages.verify import verify_articles
from retold.stages.write import write_stories
from retold.store.schema import Run, utcnow
from retold.write.backend import WriterBackend

Progress = Callable[[str, int, int], None]
log = logging.getLogger("retold")


def fetch_policy(room: Newsroom) -> FetchPolicy:
    return room.fetch_policy()


# The stages, in order. Each picks what is ready for it from the store.
STAGES = ("fetch", "extract", "cluster", "write", "verify", "relate", "publish")
# Stages that read or rewrite the whole newsroom at once: workers run them one at a time
# (under one lease each), so exactly one process clusters, relates or publishes.
WHOLE_STAGES = frozenset({"cluster", "relate", "publish"})


async def run_stage(
    room: Newsroom,
    name: str,
    report: RunReport,
    fetcher: Fetcher,
    *,
    force: bool = False,
    scheduled: bool = False,
    progress: Progress | None = None,
    writer: WriterBackend | None = None,
    claims: Claims | None = None,
) -> None:
    """One stage over what is ready; with ``claims`` (a worker) over what it can lease."""
    tick = progress or (lambda _s, _d, _t: None)
    if name == "fetch":
        await collect(
            room, fetcher, report, force=force, scheduled=scheduled, progress=tick, claims=claims
        )
    elif name == "extract":
        await fetch_documents(room, fetcher, report, progress=tick, claims=claims)
    elif name == "cluster":
        cluster_documents(room, report)
    elif name == "write":
        await write_stories(room, report, progress=tick, writer=writer, claims=claims)
    elif name == "verify":
        verify_articles(room, report, progress=tick, claims=claims)
    elif name == "relate":
        relate_articles(room, report)
    elif name == "publish":
        publish(room, report)
    else:
        raise ValueError(f"No stage is called {name!r}; the stages are {', '.join(STAGES)}.")


@contextmanager
def timed_stage(report: RunReport, name: str) -> Iterator[None]:
    """Time a stage into the report and log it as one ``stage`` event."""
    with log_context(stage=name), report.timed(name):
        yield
    wall, cpu = report.timings[name]
    log.info(
        "Stage %s took %.1f s (%.1f s of CPU).",
        name,
        wall,
        cpu,
        extra={
            "event": "stage",
            "stage": name,
            "duration_s": round(wall, 3),
            "cpu_s": round(cpu, 3),
        },
    )


async def run_stages(
    room: Newsroom,
    report: RunReport,
    *,
    force: bool = False,
    scheduled: bool = False,
    progress: Progress | None = None,
    writer: WriterBackend | None = None,
    stage: Callable[[str], None] | None = None,
) -> None:
    note = stage or (lambda _name: None)
    async with Fetcher(fetch_policy(room)) as fetcher:
        for name in STAGES:
            note(name)
            with timed_stage(report, name):
                await run_stage(
                    room,
                    name,
                    report,
                    fetcher,
                    force=force,
                    scheduled=scheduled,
                    progress=progress,
                    writer=writer,
                )


# Signals that mean "stop now, keep what is done": each becomes KeyboardInterrupt, the
# way Ctrl-C already does (a service manager sends SIGTERM, a closed terminal SIGHUP).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, delivered as KeyboardInterrupt so every layer treats it as Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP interrupt like Ctrl-C (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and stop signals while the run records its end, then deliver them.

    A second Ctrl-C in the middle of writing the run's status must not leave it `running`.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def remember(signum: int, _frame: FrameType | None) -> None:
        caught.append(signum)

    sigs = (signal.SIGINT, *STOP_SIGNALS)
    previous = {sig: signal.signal(sig, remember) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        raise KeyboardInterrupt if caught[0] == signal.SIGINT else Stopped(caught[0])


def _run_async(stages: Coroutine[Any, Any, None]) -> None:
    """asyncio.run, with SIGTERM/SIGHUP cancelling the run the way asyncio handles Ctrl-C.

    Inside the event loop a stop signal cancels the main task (so every stage unwinds
    through its own cleanup, with no "unhandled exception" noise at shutdown), and
    the run then ends with Stopped, a KeyboardInterrupt.
    """
    stopped: list[int] = []

    async def main() -> None:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()

        def on_stop(signum: int) -> None:
            stopped.append(signum)
            if task is not None:
                task.cancel()

        for sig in STOP_SIGNALS:
            # Not available off the main thread or on Windows: the plain handler stays.
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(sig, on_stop, sig)
        await stages

    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        if stopped:
            raise Stopped(stopped[0]) from None
        raise
    finally:
        # Closing the loop reset those signals to their defaults (die at once).
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                signal.signal(sig, _raise_stopped)
    if stopped:
        # The signal came while the last stage ran without awaiting (publish is plain
        # code): the loop saw it only while closing, when there was nothing left to
        # cancel. The stages are done; the stop must still reach the caller.
        raise Stopped(stopped[0])


def close_abandoned_runs(session: Session, by_run: int) -> int:
    """Mark runs left `running` by a dead process as interrupted; return how many.

    Only called with the newsroom lock held, when no other run can be alive.
    """
    abandoned = list(session.scalars(select(Run).where(Run.status == "running", Run.id != by_run)))
    for old in abandoned:
        old.status = "interrupted"
        old.problems = [
            *(old.problems or []),
            "This run was stopped before it could record its end (killed, or the machine "
            f"went down); run {by_run} found it and marked it interrupted.",
        ]
    return len(abandoned)


def run(
    room: Newsroom,
    *,
    force: bool = False,
    scheduled: bool = False,
    progress: Progress | None = None,
    writer: WriterBackend | None = None,
    stage: Callable[[str], None] | None = None,
    through: Callable[[RunReport], None] | None = None,
) -> RunReport:
    """Every stage once. Each stage commits as it goes, so an interrupted run loses nothing.

    ``through`` runs the stages somewhere else instead (``retold run --workers`` hands
    them to the workers); the run is recorded here either way.
    Raises NewsroomLocked (exit 4) at once when another process is working on the newsroom.
    """
    report = RunReport()
    with room.writing("run"), stop_signals_interrupt():
        with room.db.transaction() as session:
            row = Run()
            session.add(row)
            session.flush()
            run_id = row.id
            abandoned = close_abandoned_runs(session, run_id)
        if abandoned:
            report.problem(
                f"{abandoned} earlier run(s) had been killed before they finished; "
                "they are now marked interrupted, and this run carries on from what they saved."
            )
        failed = False
        try:
            with log_context(run_id=run_id):
                if through is not None:
                    through(report)
                else:
                    _run_async(
                        run_stages(
                            room,
                            report,
                            force=force,
                            scheduled=scheduled,
                            progress=progress,
                            writer=writer,
                            stage=stage,
                        )
                    )
        except KeyboardInterrupt as stop:
            report.interrupted = True
            why = f"by {stop.args[0]}" if isinstance(stop, Stopped) else "by Ctrl-C"
            report.problems.append(f"The run was interrupted {why}; everything finished is saved.")
            raise
        except BaseException as err:
            failed = True
            report.problems.append(f"The run failed: {_describe(err)}")
            raise
        finally:
            with signals_deferred(), room.db.transaction() as session:
                done = session.get(Run, run_id)
                assert done is not None
                done.finished_at = utcnow()
                done.status = "failed" if failed else report.status
                done.stats = dict(report.counts)
                done.problems = report.problems[-200:]
    return report


def _describe(err: BaseException) -> str:
    # SQLAlchemy wraps the driver's error with the statement and its parameters: keep the
    # driver's own sentence ("database is locked"), not lines of SQL.
    orig = getattr(err, "orig", None)
    text = str(orig if isinstance(orig, BaseException) else err).strip() or type(err).__name__
    sentence = text if text.endswith(".") else text + "."
    # A user error is already one sentence; anything else is a bug: name its type.
    return sentence if isinstance(err, RetoldError) else f"{type(err).__name__}: {sentence}"


def last_runs(room: Newsroom, limit: int = 10) -> list[Run]:
    with room.db.transaction() as session:
        return list(session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
