"""Group newly extracted documents into stories (one event, one or more documents)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from retold.newsroom import Newsroom
from retold.stages.report import RunReport
from retold.store import articles as articles_store
from retold.store import documents as docs_store
from retold.store.schema import Document, Story, aware, utcnow
from retold.stories.cluster import (
    SIGNATURE_CONSTRUCTION,
    DocSignature,
    StoryIndex,
    build_idf,
    decode_signature,
    encode_signature,
    signature,
)
from retold.text.clip import clip_text

log = logging.getLogger("retold")

# Only recent stories can gain documents; older news is a new story.
CANDIDATE_WINDOW = timedelta(days=14)


def _signature(session: Session, doc: Document, stored: bytes | None) -> DocSignature:
    # An unknown date stays None (no event evidence). A stored signature is used when it
    # is of this text and this construction; otherwise it is computed and stored.
    published = aware(doc.published) if doc.published else None
    if stored is not None:
        try:
            return decode_signature(doc.id, stored, published)
        except ValueError:
            log.warning("The stored signature of document %s is unreadable; recomputing.", doc.id)
    sig = signature(doc.id, doc.title, clip_text(doc.text), published)
    docs_store.save_signature(session, doc, SIGNATURE_CONSTRUCTION, encode_signature(sig))
    return sig


def cluster_documents(room: Newsroom, report: RunReport) -> None:
    with room.db.transaction() as session:
        new_docs = docs_store.unclustered(session)
        if not new_docs:
            return
        since = utcnow() - CANDIDATE_WINDOW
        recent = docs_store.recent_in_stories(session, since, SIGNATURE_CONSTRUCTION)
        recent_sigs = [(doc.story_id, _signature(session, doc, data)) for doc, data in recent]
        new_sigs = [_signature(session, d, None) for d in new_docs]
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
