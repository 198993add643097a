"""One cycle through the workers: each stage in order, as tasks on that stage's queue.

A stage is sent as several copies (one per worker process that takes it, so they share
its items); a copy returns only when none of the stage's items is left in other hands,
so the first copy to return means the stage is done and the next may start. The others
get a short grace to report; a copy lost with a dead worker is not waited for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from celery.result import AsyncResult
from kombu.exceptions import KombuError

from retold.errors import RetoldError
from retold.pipeline import STAGES, WHOLE_STAGES, timed_stage
from retold.stages.report import RunReport
from retold.store.schema import utcnow
from retold.worker.app import app, describe_broker, queue_name
from retold.worker.tasks import stage_task


class NoWorkers(RetoldError):
    """No worker is listening for a stage, or the broker can't be reached (exit 1)."""

    exit_code = 1


def stage_consumers(timeout: float = 1.0) -> dict[str, int]:
    """How many worker processes take each stage's queue now (asks every worker)."""
    try:
        inspector = app.control.inspect(timeout=timeout)
        queues = inspector.active_queues() or {}
        stats = inspector.stats() or {}
    except (OSError, KombuError) as err:
        raise NoWorkers(
            f"The workers' Redis at {describe_broker(app.conf.broker_url)} can't be reached "
            f"({str(err).rstrip('.')})."
        ) from None
    counts: dict[str, int] = {}
    for worker, taken in queues.items():
        processes = int(stats.get(worker, {}).get("pool", {}).get("max-concurrency", 1) or 1)
        for queue in taken:
            counts[queue["name"]] = counts.get(queue["name"], 0) + processes
    return counts


def _merge(report: RunReport, result: dict[str, Any]) -> None:
    for key, n in result.get("counts", {}).items():
        report.count(key, n)
    report.problems.extend(result.get("problems", []))
    report.failed_sources += int(result.get("failed_sources", 0))
    report.writer_unavailable = report.writer_unavailable or result.get("writer_unavailable", "")


def _collect(
    report: RunReport, results: Sequence[AsyncResult], *, stage: str, timeout: float, grace: float
) -> None:
    """Wait for the first copy (the stage is done), then up to ``grace`` for the rest."""
    started = time.monotonic()
    first: float | None = None
    pending = list(results)
    while pending:
        for result in [r for r in pending if r.ready()]:
            pending.remove(result)
            first = first or time.monotonic()
            if result.successful():
                _merge(report, result.result)
            else:
                report.problem(f"A worker's {stage} task failed: {result.result}.")
        if not pending:
            break
        now = time.monotonic()
        if first is not None and now - first > grace:
            # Lost with a dead worker; Redis hands it to another worker later, which finds
            # the stage done and returns at once.
            report.count("tasks_not_waited_for", len(pending))
            break
        if first is None and now - started > timeout:
            raise NoWorkers(
                f"No worker finished the {stage} stage within {timeout:g} s; is a "
                f"`retold worker` for it running and healthy?"
            )
        time.sleep(0.1)
    for result in results:
        result.forget()


def run_cycle(
    report: RunReport,
    *,
    force: bool = False,
    scheduled: bool = False,
    grace: float = 10.0,
    timeout: float = 6 * 3600,
    wait_for_workers: float = 30.0,
    stage: Callable[[str], None] | None = None,
) -> None:
    """Send every stage through the workers, in order, and gather what they report."""
    # Workers started at the same moment (a service manager) need a few seconds to listen.
    deadline = time.monotonic() + wait_for_workers
    while True:
        consumers = stage_consumers()
        missing = [name for name in STAGES if not consumers.get(queue_name(name))]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if missing:
        raise NoWorkers(
            f"No worker takes the {', '.join(missing)} stage{'s' if len(missing) > 1 else ''}; "
            f"start one with `retold worker --stages {','.join(missing)}`."
        )
    since = utcnow().isoformat()
    for name in STAGES:
        if stage:
            stage(name)
        copies = 1 if name in WHOLE_STAGES else consumers[queue_name(name)]
        with timed_stage(report, name):
            results = [
                stage_task.apply_async((name, since, force, scheduled), queue=queue_name(name))
                for _ in range(copies)
            ]
            _collect(report, results, stage=name, timeout=timeout, grace=grace)
