"""The ``extractive`` writer: no model, every sentence copied from the sources."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from retold.plugins import hookimpl
from retold.records import Draft, SourceDoc
from retold.write.backend import WriteBrief, WriterSettings
from retold.write.extractive import write_extractive


class ExtractiveWriter:
    name = "extractive"

    def __init__(self, settings: WriterSettings | None = None) -> None:
        self.settings = settings or WriterSettings()

    async def write(self, docs: Sequence[SourceDoc], *, brief: WriteBrief) -> Draft:
        start = time.perf_counter()
        draft = write_extractive(docs, brief)
        return replace(draft, latency_ms=(time.perf_counter() - start) * 1000)


@hookimpl
def register_writers(register):  # type: ignore[no-untyped-def]
    register(
        "extractive",
        ExtractiveWriter,
        aliases=("extract",),
        description="No model: the most central source sentences, copied verbatim.",
    )
