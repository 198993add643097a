"""Group newly extracted documents into stories (one event, one or more documents)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from retold.newsroom import Newsroom
from retold.stages.report import RunReport
from retold.store import articles as articles_store
from retold.store import documents as docs_store
from retold.store.schema import Document, Story, aware, utcnow
from retold.stories.cluster import DocSignature, StoryIndex, build_idf, signature
from retold.text.clip import clip_text

# Only recent stories can gain documents; older news is a new story.
CANDIDATE_WINDOW = timedelta(days=14)


def _signature(doc: Document) -> DocSignature:
    # Built from the stored text on every run, never stored: a change to the fingerprint
    # construction (see ingest.dedup.FINGERPRINT_TAG) needs no migration, and old and
    # new fingerprints can never meet. An unknown date stays None (no event evidence).
    published = aware(doc.published) if doc.published else None
    return signature(doc.id, doc.title, clip_text(doc.text), published)


def cluster_documents(room: Newsroom, report: RunReport) -> None:
    with room.db.transaction() as session:
        new_docs = docs_store.unclustered(session)
        if not new_docs:
            return
        since = utcnow() - CANDIDATE_WINDOW
        recent = session.scalars(
            select(Document).where(
                Document.story_id.is_not(None), Document.first_seen >= since.replace(tzinfo=None)
            )
        )
        recent_sigs = [(doc.story_id, _signature(doc)) for doc in recent]
        new_sigs = [_signature(d) for d in new_docs]
        index = StoryIndex(build_idf([*new_sigs, *(sig for _, sig in recent_sigs)]))
        for story_id, sig in recent_sigs:
            index.add(story_id, sig)
        for doc, sig in zip(new_docs, new_sigs, strict=True):
            key = index.assign(sig)
            if key is None:
                story = articles_store.new_story(session, {"first_document": doc.id})
                report.count("stories_new")
            else:
                story_row = session.get(Story, key)
                assert story_row is not None
                story = story_row
                story.needs_write = True  # a new source for a story: rewrite with it
                story.updated_at = utcnow()
                report.count("documents_joined_story")
            index.add(story.id, sig)
            doc.story_id = story.id
