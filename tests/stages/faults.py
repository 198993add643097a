"""Faults injected into one story or article, to prove a bad item can't stall a newsroom.

`python -m tests.stages.faults NEWSROOM write|verify raise|kill` runs the newsroom once
with the fault armed for the stories built from ferry.html (pages.py): ``raise`` throws
an ordinary exception, ``kill`` SIGKILLs the process, the way a segfault or the kernel's
out-of-memory killer ends it (nothing can be caught, nothing recorded).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import retold.stages.verify as verify_stage
from retold.newsroom import Newsroom
from retold.pipeline import run
from retold.records import Draft, SentenceCheck, SourceDoc
from retold.stages.report import RunReport
from retold.write.backend import WriteBrief, WriterSettings
from retold.write.default_plugins.extractive import ExtractiveWriter

TARGET = "ferry.html"  # the poison story: "Island ferry fares rise by a fifth"
MESSAGE = "the fault injected for this story went off"


def fire(fault: str) -> None:
    if fault == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise RuntimeError(MESSAGE)


class FaultyWriter(ExtractiveWriter):
    """The extractive writer, except for the target story."""

    def __init__(self, fault: str, target: str = TARGET) -> None:
        super().__init__(WriterSettings())
        self.fault, self.target = fault, target

    async def write(self, docs: Sequence[SourceDoc], *, brief: WriteBrief) -> Draft:
        if any(d.url.endswith(self.target) for d in docs):
            fire(self.fault)
        return await super().write(docs, brief=brief)


@contextmanager
def faulty_checker(fault: str, target: str = TARGET) -> Iterator[None]:
    """The real checker, except for the target story's article."""
    real: Callable[..., list[SentenceCheck]] = verify_stage.check_article

    def check(paragraphs: list[list[str]], docs: list[SourceDoc], **kw: Any) -> Any:
        if any(d.url.endswith(target) for d in docs):
            fire(fault)
        return real(paragraphs, docs, **kw)

    verify_stage.check_article = check  # type: ignore[assignment]
    try:
        yield
    finally:
        verify_stage.check_article = real  # type: ignore[assignment]


def run_with_fault(root: Path, stage: str, fault: str) -> RunReport:
    room = Newsroom.open(root)
    try:
        if stage == "write":
            return run(room, writer=FaultyWriter(fault))
        with faulty_checker(fault):
            return run(room)
    finally:
        room.close()


if __name__ == "__main__":
    report = run_with_fault(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
    print(json.dumps(report.as_dict()))
