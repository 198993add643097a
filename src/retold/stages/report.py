"""What a run did, for the progress display, `--json` output and the runs table."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("retold")


@dataclass
class RunReport:
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # one sentence each
    failed_sources: int = 0
    writer_unavailable: str = ""
    interrupted: bool = False

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] += n

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
        failed = (
            self.failed_sources or self.counts["documents_failed"] or self.counts["stories_failed"]
        )
        return "partial" if failed else "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "counts": dict(sorted(self.counts.items())),
            "problems": self.problems,
            "failed_sources": self.failed_sources,
            "writer_unavailable": self.writer_unavailable,
        }
