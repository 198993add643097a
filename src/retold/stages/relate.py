"""Embed published articles and compute each one's related list."""

from __future__ import annotations

import numpy as np

from retold.newsroom import Newsroom
from retold.relate.embeddings import default_embedder
from retold.relate.related import Corpus, related_all, text_for_embedding
from retold.stages.report import RunReport
from retold.store import articles as articles_store
from retold.store.schema import Article, aware

RELATED_K = 7
EMBED_BATCH = 256


def relate_articles(room: Newsroom, report: RunReport) -> None:
    # Only the relate columns of the whole site are read: the texts of the few articles
    # still to embed, never every article's body.
    with room.db.transaction() as session:
        missing = [a.id for a in articles_store.relatable_articles(session) if a.embedding is None]
    if missing:
        embedder = default_embedder()
        for start in range(0, len(missing), EMBED_BATCH):
            # A batch at a time, each committed: memory stays flat however many articles wait
            # (a new newsroom, a model change), and an interrupted run keeps what it embedded.
            with room.db.transaction() as session:
                batch = missing[start : start + EMBED_BATCH]
                pages = articles_store.published_articles(session, batch)
                texts = [
                    text_for_embedding(v.headline, v.standfirst, v.paragraphs) for _, v in pages
                ]
                vectors = embedder.encode(texts)
                for (article, _), vector in zip(pages, vectors, strict=True):
                    article.embedding = np.asarray(vector, dtype=np.float32).tobytes()
            report.count("articles_embedded", len(pages))
    with room.db.transaction() as session:
        rows = articles_store.relatable_articles(session)
        ids = {a.id for a in rows}
        stale = missing or any(not a.related or not set(a.related) <= ids for a in rows)
        if not rows or not stale:
            return  # same articles, same vectors: the lists would come out the same
        corpus = Corpus.from_columns(
            [a.id for a in rows],
            np.vstack([np.frombuffer(a.embedding or b"", dtype=np.float32) for a in rows]),
            [a.story_id for a in rows],
            [aware(a.published_at) if a.published_at else None for a in rows],
        )
        lists = related_all(corpus, k=RELATED_K)
        changed = [a.id for a in rows if a.related != lists[a.id]]
        for article_id in changed:
            row = session.get(Article, article_id)
            assert row is not None
            row.related = lists[article_id]
        report.count("related_lists_changed", len(changed))
