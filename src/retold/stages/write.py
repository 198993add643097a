"""Write (or rewrite) every story that needs it.

A story that raises is logged, counted and left for the next run while the others go
on; one that fails or kills the process (a crash, the out-of-memory killer) on
MAX_ATTEMPTS tries is quarantined with its reason, so no story can stall the newsroom.
Each try is counted in the store before it starts, because a crash can't be caught.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from retold.claims import Claims, claim
from retold.errors import RetoldError
from retold.logs import log_context
from retold.newsroom import Newsroom
from retold.records import Draft, SourceDoc
from retold.stages.attempts import record_failure, settle_failures, uncount_attempt
from retold.stages.report import Failures, RunReport
from retold.store import articles as articles_store
from retold.store import documents as docs_store
from retold.store.schema import Story, utcnow
from retold.text.scripts import checker_supports, dominant_script, script_name
from retold.verify.policy import MIN_SENTENCES
from retold.verify.repair import sentence_count
from retold.write.backend import WriteBrief, WriterBackend, WriterSettings
from retold.write.cache import cache_key
from retold.write.errors import WriterError, WriterUnavailable
from retold.write.prompting import prompt_versions
from retold.write.registry import get_writer

Progress = Callable[[str, int, int], None]


def writer_settings(room: Newsroom) -> WriterSettings:
    return room.writer_settings()


def open_writer(room: Newsroom) -> WriterBackend:
    try:
        return get_writer(writer_settings(room))
    except WriterError as err:
        raise RetoldError(str(err)) from None


def draft_key(docs: Sequence[SourceDoc], settings: WriterSettings, brief: WriteBrief) -> str:
    """Same sources, prompt, model, settings and brief → same article: a rerun calls no model."""
    base = cache_key(docs, settings, prompt_versions(settings.prompts_dir))
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
    claims: Claims | None = None,
) -> None:
    """Write every story that is waiting (with ``claims``, a worker: those it can lease)."""
    settings = writer_settings(room)
    writer = writer or open_writer(room)
    # Another worker's story in hand looks like a crashed try: leave it to that worker.
    elsewhere = claims.others_hold("write:story:") if claims else set()
    first_seen: dict[int, datetime] = {}  # the date of a story whose sources have none
    suspects: set[int] = set()  # tried before and never finished
    with room.db.transaction() as session:
        todo = []
        for story in articles_store.stories_to_write(session):
            if claims and f"write:story:{story.id}" in elsewhere:
                claims.busy.add(f"write:story:{story.id}")
                continue
            if story.attempts >= articles_store.MAX_ATTEMPTS:
                # Its last try never finished (the process died): set it aside for good.
                reason = articles_store.quarantine(story)
                report.count("stories_quarantined")
                report.problem(f"Story {story.id}: {reason}")
                continue
            if story.attempts:
                suspects.add(story.id)
            documents = docs_store.story_documents(session, story.id)
            todo.append((story.id, [docs_store.as_source_doc(d) for d in documents]))
            first_seen[story.id] = docs_store.first_seen(documents) or utcnow()
    cap = room.settings.writer.max_per_run
    writable = [row for row in todo if _writable(room, row[1])]
    writers = {sid: writer for sid, _ in todo}
    if cap and len(writable) > cap:
        # Newest first within the cap. Excerpt-only stories don't count: they are skipped
        # without calling the writer. The rest stay queued for the next run, not lost, or
        # (beyond_cap = "fallback", as the demo does) the fallback writer writes them now.
        writable.sort(key=lambda row: _newest(row[1]), reverse=True)
        beyond = writable[cap:]
        fallback = _cap_fallback(room, settings, cap) if beyond else None
        if fallback is None:
            report.count("stories_deferred", len(beyond))
            todo = writable[:cap] + [row for row in todo if not _writable(room, row[1])]
        else:
            writers.update({sid: fallback for sid, _ in beyond})
            report.count("stories_past_cap", len(beyond))
    limit = asyncio.Semaphore(settings.concurrency)
    done = 0
    failures = Failures()

    async def one(story_id: int, docs: list[SourceDoc]) -> None:
        # A worker claims a story only once it can start on it: the other workers take
        # the rest meanwhile, instead of waiting for a queue this one leased up front.
        async with limit:
            with log_context(story_id=story_id), claim(claims, f"write:story:{story_id}") as mine:
                if mine and (claims is None or _still_to_write(room, story_id)):
                    await write(story_id, docs)

    async def write(story_id: int, docs: list[SourceDoc]) -> None:
        nonlocal done
        if report.writer_unavailable:
            return  # the circuit is open: leave the story pending, not lost
        await _attempt(
            room,
            failures,
            story_id,
            lambda: _write_one(
                room, settings, writers[story_id], report, story_id, docs, first_seen[story_id]
            ),
        )
        done += 1
        if progress:
            progress("stories", done, len(todo))

    # Stories that failed or died before go last and one at a time, so everything else is
    # written first and a crash is charged to the story that caused it, not its neighbours.
    await asyncio.gather(*(one(sid, docs) for sid, docs in todo if sid not in suspects))
    for sid, docs in todo:
        if sid in suspects:
            await one(sid, docs)
    settle_failures(room, report, failures, Story)
    if report.writer_unavailable:
        with room.db.transaction() as session:
            for story in articles_store.stories_to_write(session):
                story.status = "pending"
                report.count("stories_pending")


async def _attempt(
    room: Newsroom, failures: Failures, story_id: int, work: Callable[[], Awaitable[bool]]
) -> None:
    """Run one story's write as a counted attempt; an exception fails only that story.

    ``work`` returns True when the story was tried (written or skipped, which clear the
    count in the same transaction) and False when it could not be tried after all (the
    writer is unavailable). Failures are judged together at the end of the stage.
    """
    with room.db.transaction() as session:
        story = session.get(Story, story_id)
        assert story is not None
        articles_store.begin_attempt(story)
    try:
        tried = await work()
    except Exception as err:  # noqa: BLE001 - one story's bug must not stop the others
        if not record_failure(room, failures, Story, story_id, err):
            raise
        return
    except BaseException:
        uncount_attempt(room, Story, story_id)  # Ctrl-C or a stop signal: not the story's fault
        raise
    if tried:
        failures.succeeded += 1
    else:
        uncount_attempt(room, Story, story_id)


def _cap_fallback(room: Newsroom, settings: WriterSettings, cap: int) -> WriterBackend | None:
    """The writer for stories past ``writer.max_per_run`` when they are written now (None:
    they wait for the next run)."""
    if room.settings.writer.beyond_cap != "fallback" or not settings.fallback:
        return None
    if settings.fallback == settings.backend:
        return None
    fallback = get_writer(dataclasses.replace(settings, backend=settings.fallback, fallback=""))
    stories = "story" if cap == 1 else "stories"
    return PastCap(fallback, f"The {settings.backend} writer writes at most {cap} {stories} a run")


class PastCap:
    """The fallback writer for a story past the run's cap, saying so in the draft's note."""

    def __init__(self, writer: WriterBackend, reason: str) -> None:
        self.writer, self.reason, self.name = writer, reason, writer.name

    async def write(self, docs: Sequence[SourceDoc], *, brief: WriteBrief) -> Draft:
        draft = await self.writer.write(docs, brief=brief)
        note = f"{self.reason}; the {self.writer.name} writer wrote this one."
        return dataclasses.replace(draft, note=(note + " " + draft.note).strip())


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
    first_seen: datetime,
) -> bool:
    """Write one story; False when it could not be tried (the writer is unavailable)."""
    usable = [d for d in docs if d.text.strip() and not d.excerpt_only]
    imagined = False
    if not usable:
        if not room.settings.writer.imagine:
            note = "Only an excerpt of this story is available (paywall or teaser)."
            _skip(room, story_id, note)
            report.count("stories_skipped_excerpt")
            return True
        usable, imagined = [d for d in docs if d.text.strip()], True
    unchecked = _unchecked_language(room, settings, usable) if not imagined else ""
    if unchecked:
        _skip(room, story_id, unchecked)
        report.count("stories_skipped_language")
        report.problem(f"Story {story_id} skipped: {unchecked}")
        return True
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
            return False
        report.count("model_calls" if draft.backend != "extractive" else "drafts_extractive")
    # Only imagine mode makes an imagined article (and its seed label): a writer that found
    # nothing usable in a full page made an empty draft, which is skipped below.
    draft = dataclasses.replace(draft, imagined=imagined)
    sentences = sentence_count(draft.paragraphs)
    if sentences < (1 if imagined else MIN_SENTENCES):
        note = (
            f"Too little to retell: the article would have {sentences} "
            f"sentence{'' if sentences == 1 else 's'} of body (the source is a list, a table "
            "or a very short page)."
        )
        _skip(room, story_id, note)
        report.count("stories_skipped_short")
        report.problem(f"Story {story_id} skipped: {note}")
        return True
    if draft.note and cached is None and not isinstance(writer, PastCap):
        report.problem(f"Story {story_id}: {draft.note}")
    # The sources' date, else when Retold first saw them: never a placeholder like 0001-01-01.
    when = max((d.published for d in usable if d.published), default=first_seen)
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
        articles_store.end_attempt(story)
    report.count("articles_written")
    return True


def _still_to_write(room: Newsroom, story_id: int) -> bool:
    with room.db.transaction() as session:
        story = session.get(Story, story_id)
        return story is not None and articles_store.waiting_to_write(story)


def _skip(room: Newsroom, story_id: int, note: str) -> None:
    """Leave the story unwritten with the reason (`retold status` shows it), not failed."""
    with room.db.transaction() as session:
        story = session.get(Story, story_id)
        assert story is not None
        story.status, story.needs_write, story.note = "skipped", False, note
        articles_store.end_attempt(story)


def _unchecked_language(room: Newsroom, settings: WriterSettings, docs: list[SourceDoc]) -> str:
    """Why a story in a script the checker can't read can't be written ("" when it can).

    The extractive writer copies sentences, which are matched to the source verbatim in
    any script; a model's retelling in such a script could not be checked at all.
    """
    if settings.backend == "extractive" or not room.settings.checker.enabled:
        return ""
    script = dominant_script("\n\n".join(d.text for d in docs))
    if checker_supports(script):
        return ""
    return (
        f"The sources are in {script_name(script)} script, and the checker can only check "
        "a retelling of Latin-script text; the extractive writer can publish them."
    )
