"""What a run did, for the progress display, `--json` output and the runs table."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy.exc

from retold.errors import RetoldError
from retold.write.errors import WriterError, WriterFailed

log = logging.getLogger("retold")

# Counts that make a run partial: some items were not processed and will be retried
# (or, once quarantined, wait for a person).
FAILURES = (
    "documents_failed",
    "stories_failed",
    "stories_quarantined",
    "articles_failed",
    "articles_quarantined",
)


def item_fault(err: Exception) -> bool:
    """Whether ``err`` may be the item's fault (counted towards its quarantine).

    Retold's own errors (a judge that can't start, bad settings), the disk and the
    database (full, locked, read-only) fail every item alike: they stop the run with
    one sentence instead, and no item is blamed for them.
    """
    if isinstance(err, WriterFailed):  # this story's answer, after every retry
        return True
    return not isinstance(err, (RetoldError, WriterError, OSError, sqlalchemy.exc.OperationalError))


@dataclass
class Failures:
    """The items that raised in one stage of one run, judged together at its end."""

    errors: dict[int, str] = field(default_factory=dict)  # item id -> error sentence
    succeeded: int = 0

    def shared(self) -> str:
        """The error when it looks like the surroundings' fault, not the items': the same
        sentence for three items or more, or for every item tried when none succeeded
        (a model answering garbage must not quarantine the whole newsroom)."""
        if len(self.errors) < 2:
            return ""
        error, times = Counter(self.errors.values()).most_common(1)[0]
        if times >= 3 or (self.succeeded == 0 and times == len(self.errors)):
            return error
        return ""


def error_sentence(err: BaseException, limit: int = 300) -> str:
    """One sentence saying what went wrong: the message's first line, with its type
    when it is not one of Retold's own (those are worded for a reader already)."""
    lines = str(err).strip().splitlines()
    text = " ".join(lines[0].split())[:limit] if lines else ""
    if not text:
        return f"{type(err).__name__}."
    text = text if text.endswith((".", "!", "?")) else text + "."
    worded = isinstance(err, (RetoldError, WriterError))
    return text if worded else f"{type(err).__name__}: {text}"


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@dataclass
class RunReport:
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # one sentence each
    failed_sources: int = 0
    writer_unavailable: str = ""
    interrupted: bool = False
    # stage -> (wall seconds, CPU seconds of this process and its finished children)
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Record the stage's wall and CPU time (a slow stage on a busy machine shows
        in wall time only; a stage whose cost grows with the newsroom shows in both)."""
        wall, cpu = time.perf_counter(), _cpu_seconds()
        try:
            yield
        finally:
            self.timings[stage] = (time.perf_counter() - wall, _cpu_seconds() - cpu)

    def problem(self, sentence: str, *, source_failed: bool = False) -> None:
        log.warning(sentence)
        self.problems.append(sentence)
        if source_failed:
            self.failed_sources += 1

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.writer_unavailable:
            return "pending"
        failed = self.failed_sources or any(self.counts[key] for key in FAILURES)
        return "partial" if failed else "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "counts": dict(sorted(self.counts.items())),
            "problems": self.problems,
            "failed_sources": self.failed_sources,
            "writer_unavailable": self.writer_unavailable,
            "timings": {
                stage: {"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3)}
                for stage, (wall, cpu) in self.timings.items()
            },
        }
