"""Asking the newsroom's writer for a new retelling, with an editor's brief."""

from __future__ import annotations

from retold.desk.actions import ActionError
from retold.newsroom import Newsroom
from retold.records import Draft, SourceDoc
from retold.write.backend import WriteBrief, WriterBackend
from retold.write.errors import WriterError
from retold.write.registry import get_writer

BRIEF_MAX = 500


class Rewriter:
    """The configured writer, opened on first use (a local model loads once)."""

    def __init__(self, room: Newsroom) -> None:
        self.room = room
        self._writer: WriterBackend | None = None

    async def draft(self, docs: list[SourceDoc], brief: str) -> Draft:
        brief = " ".join(brief.split())[:BRIEF_MAX]
        if not brief:
            raise ActionError("Say what the writer should do differently (the brief).")
        usable = [d for d in docs if d.text.strip() and not d.excerpt_only]
        if not usable:
            raise ActionError("This article's sources are excerpts only; nothing to rewrite.")
        site = self.room.settings.site
        # The brief travels as house style: every model backend puts it in its prompt.
        ask = WriteBrief(
            language=site.language, site_title=site.title, house_style=f"Editor's brief: {brief}"
        )
        try:
            if self._writer is None:
                self._writer = get_writer(self.room.writer_settings())
            return await self._writer.write(usable, brief=ask)
        except WriterError as err:
            raise ActionError(f"The writer failed: {err}") from None
