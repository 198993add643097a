"""Write (or rewrite) every story that needs it."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import RetoldError
from ..models import Draft, SourceDoc
from ..newsroom import Newsroom
from ..store import articles as articles_store
from ..store import documents as docs_store
from ..store.schema import Story, utcnow
from ..write.backend import WriteBrief, WriterBackend, WriterSettings
from ..write.cache import cache_key
from ..write.errors import WriterError, WriterFailed, WriterUnavailable
from ..write.prompting import load_prompt
from ..write.registry import get_writer
from .report import RunReport

Progress = Callable[[str, int, int], None]


def writer_settings(room: Newsroom) -> WriterSettings:
    cfg = room.settings.writer
    return WriterSettings(
        backend=cfg.backend,
        model=cfg.model,
        base_url=cfg.base_url,
        api_key=cfg.api_key,
        model_path=cfg.model_path,
        temperature=cfg.temperature,
        max_tokens=cfg.max_tokens,
        timeout=cfg.timeout,
        concurrency=cfg.concurrency,
        retries=cfg.retries,
        fallback="" if cfg.fallback == "none" else cfg.fallback,
        prompts_dir=str(room.prompts_dir),
        circuit_breaker=cfg.circuit_breaker,
    )


def open_writer(room: Newsroom) -> WriterBackend:
    try:
        return get_writer(writer_settings(room))
    except WriterError as err:
        raise RetoldError(str(err)) from None


def draft_key(docs: Sequence[SourceDoc], settings: WriterSettings, brief: WriteBrief) -> str:
    """Same sources, prompt, model, settings and brief → same article: a rerun calls no model."""
    prompt = load_prompt("article", settings.prompts_dir).version
    base = cache_key(docs, settings, prompt)
    return hashlib.sha256(
        f"{base}:{json.dumps(dataclasses.asdict(brief), sort_keys=True)}".encode()
    ).hexdigest()


def draft_from_cache(data: dict[str, Any]) -> Draft:
    # A cached draft cost nothing this time: no tokens, no latency, and the note says so.
    return dataclasses.replace(
        Draft(**data),
        tokens_in=0,
        tokens_out=0,
        latency_ms=0.0,
        note=((data.get("note") or "") + " [cached]").strip(),
    )


async def write_stories(
    room: Newsroom,
    report: RunReport,
    progress: Progress | None = None,
    writer: WriterBackend | None = None,
) -> None:
    settings = writer_settings(room)
    writer = writer or open_writer(room)
    with room.db.transaction() as session:
        todo = [
            (
                story.id,
                [
                    docs_store.as_source_doc(d)
                    for d in docs_store.story_documents(session, story.id)
                ],
            )
            for story in articles_store.stories_to_write(session)
        ]
    cap = room.settings.writer.max_per_run
    writable = [row for row in todo if _writable(room, row[1])]
    if cap and len(writable) > cap:
        # Newest first within the cap; the rest stay queued for the next run, not lost.
        # Excerpt-only stories don't count: they are skipped without calling the writer.
        writable.sort(key=lambda row: _newest(row[1]), reverse=True)
        report.count("stories_deferred", len(writable) - cap)
        todo = writable[:cap] + [row for row in todo if not _writable(room, row[1])]
    limit = asyncio.Semaphore(settings.concurrency)
    done = 0

    async def one(story_id: int, docs: list[SourceDoc]) -> None:
        nonlocal done
        async with limit:
            if report.writer_unavailable:
                return  # the circuit is open: leave the story pending, not lost
            await _write_one(room, settings, writer, report, story_id, docs)
        done += 1
        if progress:
            progress("stories", done, len(todo))

    await asyncio.gather(*(one(sid, docs) for sid, docs in todo))
    if report.writer_unavailable:
        with room.db.transaction() as session:
            for story in articles_store.stories_to_write(session):
                story.status = "pending"
                report.count("stories_pending")


def _writable(room: Newsroom, docs: list[SourceDoc]) -> bool:
    """Whether the story reaches the writer (excerpt-only ones are skipped unless imagined)."""
    return room.settings.writer.imagine or any(d.text.strip() and not d.excerpt_only for d in docs)


def _newest(docs: list[SourceDoc]) -> float:
    return max((d.published.timestamp() for d in docs if d.published), default=0.0)


async def _write_one(
    room: Newsroom,
    settings: WriterSettings,
    writer: WriterBackend,
    report: RunReport,
    story_id: int,
    docs: list[SourceDoc],
) -> None:
    usable = [d for d in docs if d.text.strip() and not d.excerpt_only]
    imagined = False
    if not usable:
        if not room.settings.writer.imagine:
            with room.db.transaction() as session:
                story = session.get(Story, story_id)
                assert story is not None
                story.status, story.needs_write = "skipped", False
                story.note = "Only an excerpt of this story is available (paywall or teaser)."
            report.count("stories_skipped_excerpt")
            return
        usable, imagined = [d for d in docs if d.text.strip()], True
    brief = WriteBrief(
        language=room.settings.site.language, site_title=room.settings.site.title, imagine=imagined
    )
    key = draft_key(usable, settings, brief)
    with room.db.transaction() as session:
        cached = articles_store.cached_draft(session, key)
    if cached is not None:
        draft = draft_from_cache(cached)
        report.count("drafts_cached")
    else:
        try:
            draft = await writer.write(usable, brief=brief)
        except WriterUnavailable as err:
            report.writer_unavailable = str(err)
            return
        except WriterFailed as err:
            report.problem(f"Story {story_id}: {err}")
            report.count("stories_failed")
            return
        if imagined and not draft.imagined:
            draft = dataclasses.replace(draft, imagined=True)
        report.count("model_calls" if draft.backend != "extractive" else "drafts_extractive")
        if draft.note:
            report.problem(f"Story {story_id}: {draft.note}")
    when = max((d.published for d in usable if d.published), default=utcnow())
    sources = [
        {"document_id": d.id, "url": d.url, "title": d.title, "site_name": d.site_name}
        for d in usable
    ]
    with room.db.transaction() as session:
        story = session.get(Story, story_id)
        assert story is not None
        if cached is None and draft.backend != "extractive":
            articles_store.cache_draft(session, key, dataclasses.asdict(draft))
        articles_store.add_version(session, story, draft, sources, when)
        story.status, story.needs_write, story.note = "written", False, draft.note
    report.count("articles_written")
