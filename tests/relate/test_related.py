from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from retold.relate.embeddings import Embedder
from retold.relate.index import VectorIndex
from retold.relate.related import Corpus, pick_related, related_all, related_for, text_for_embedding

DIM = 384
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def near(base: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    return unit(base + noise * unit(rng.standard_normal(DIM)))


def test_text_for_embedding_puts_headline_first_and_caps_length() -> None:
    text = text_for_embedding("Bridge closes", "  Repairs start in spring. ", ["A " * 2000, "tail"])
    assert text.startswith("Bridge closes\nRepairs start in spring.\nA A")
    assert len(text) <= 700
    assert "tail" not in text
    assert text_for_embedding("Only a headline") == "Only a headline"
    assert text_for_embedding("", "", "Body  with\n\nspaces") == "Body with spaces"


def test_never_itself_nor_its_story_nor_a_story_twice() -> None:
    rng = np.random.default_rng(0)
    topic = unit(rng.standard_normal(DIM))
    vecs = np.stack([near(topic, rng, 0.3) for _ in range(30)])
    # Stories of three articles each; every article is near the same topic.
    stories = [f"s{i // 3}" for i in range(30)]
    corpus = Corpus.from_columns(list(range(30)), vecs, stories, [NOW] * 30)
    result = related_all(corpus, k=7)
    for article_id, picked in result.items():
        assert article_id not in picked
        assert stories[article_id] not in {stories[i] for i in picked}
        assert len({stories[i] for i in picked}) == len(picked) == 7


def test_articles_without_a_story_are_their_own_story() -> None:
    rng = np.random.default_rng(1)
    topic = unit(rng.standard_normal(DIM))
    vecs = np.stack([near(topic, rng, 0.5) for _ in range(5)])
    corpus = Corpus.from_columns([1, 2, 3, 4, 5], vecs, [None] * 5, [None] * 5)
    assert sorted(related_for(1, corpus, k=7)) == [2, 3, 4, 5]


def test_mmr_trades_relevance_for_variety() -> None:
    rng = np.random.default_rng(2)
    query = unit(rng.standard_normal(DIM))
    # Five near-copies of one angle (all very similar to the query and to each other)...
    angle = near(query, rng, 0.5)
    copies = [near(angle, rng, 0.05) for _ in range(5)]
    # ...and five distinct angles, each a bit less similar to the query.
    others = [near(query, rng, 0.8) for _ in range(5)]
    vecs = np.stack(copies + others)
    ids = list(range(10))
    corpus = Corpus.from_columns(ids, vecs, ids, [NOW] * 10)

    pure = pick_related(query, corpus, k=5, lambda_=1.0, recency_weight=0.0)
    assert sorted(pure) == [0, 1, 2, 3, 4]  # relevance only: all the copies
    varied = pick_related(query, corpus, k=5, lambda_=0.5, recency_weight=0.0)
    assert varied[0] in range(5)  # the best match still leads
    assert len(set(varied) & set(range(5))) <= 2
    assert len(set(varied) & set(range(5, 10))) >= 3


def test_recency_prefers_fresh_over_slightly_closer_old() -> None:
    rng = np.random.default_rng(3)
    query = unit(rng.standard_normal(DIM))
    old_close = near(query, rng, 0.55)
    fresh = near(query, rng, 0.62)
    assert float(old_close @ query) > float(fresh @ query)
    corpus = Corpus.from_columns(
        [1, 2], np.stack([old_close, fresh]), ["a", "b"], [NOW - timedelta(days=400), NOW]
    )
    assert pick_related(query, corpus, k=1, query_published=NOW)[0] == 2
    assert pick_related(query, corpus, k=1, query_published=NOW, recency_weight=0.0)[0] == 1
    # Follow-ups published after the article are never penalised.
    assert pick_related(
        query, corpus, k=1, query_published=NOW - timedelta(days=400), recency_weight=0.9
    ) == [1]


def test_min_similarity_and_empty_inputs() -> None:
    rng = np.random.default_rng(4)
    query = unit(rng.standard_normal(DIM))
    corpus = Corpus.from_columns([1, 2], np.stack([-query, query]), ["a", "b"], [NOW, NOW])
    assert pick_related(query, corpus, k=7) == [2]  # opposite direction: cosine < 0
    empty = Corpus.from_columns([], np.zeros((0, DIM), np.float32), [], [])
    assert pick_related(query, empty) == []
    assert related_all(empty) == {}
    with pytest.raises(ValueError):
        Corpus.from_columns([1], np.zeros((2, DIM)), ["a"], [NOW])


def test_naive_and_aware_datetimes_mix() -> None:
    rng = np.random.default_rng(5)
    topic = unit(rng.standard_normal(DIM))
    vecs = np.stack([near(topic, rng, 0.5) for _ in range(3)])
    naive = datetime(2026, 11, 1)
    corpus = Corpus.from_columns([1, 2, 3], vecs, [1, 2, 3], [naive, NOW, None])
    assert len(related_for(1, corpus)) == 2


def synthetic_site(n: int, seed: int) -> Corpus:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n // 20, DIM)).astype(np.float32)
    vecs = unit(centres[rng.integers(0, len(centres), n)] + rng.standard_normal((n, DIM)))
    stories = [i // 2 for i in range(n)]  # pairs of articles share a story
    published = [NOW - timedelta(hours=int(h)) for h in rng.integers(0, 24 * 200, n)]
    return Corpus.from_columns(np.arange(n) + 1000, vecs, stories, published)


def test_batch_matches_one_at_a_time() -> None:
    corpus = synthetic_site(1200, seed=6)
    batch = related_all(corpus, chunk_size=128)
    for row in (0, 1, 599, 1199):
        article_id = int(corpus.ids[row])
        single = pick_related(
            corpus.vectors[row],
            corpus,
            query_id=article_id,
            query_story_key=row // 2,
            query_published=NOW - timedelta(days=float(NOW.timestamp() / 86400 - corpus.days[row])),
        )
        assert batch[article_id] == single
    assert related_all(corpus, only=[1000, 1001]) == {1000: batch[1000], 1001: batch[1001]}


def test_hnsw_path_agrees_with_exact_path() -> None:
    corpus = synthetic_site(3000, seed=7)
    index = VectorIndex(DIM, hnsw_threshold=1000)
    index.add(corpus.ids, corpus.vectors)
    assert index.backend == "hnsw"
    exact = related_all(corpus, only=corpus.ids[:300].tolist())
    approx = related_all(corpus, index=index, only=corpus.ids[:300].tolist())
    overlap = np.mean([len(set(exact[i]) & set(approx[i])) / len(exact[i]) for i in exact])
    assert overlap >= 0.9


def test_corpus_from_index_shares_vectors() -> None:
    corpus = synthetic_site(100, seed=8)
    index = VectorIndex(DIM)
    index.add(corpus.ids, corpus.vectors)
    stories = {int(i): int(i) // 10 for i in corpus.ids}
    shared = Corpus.from_index(index, stories, {int(i): NOW for i in corpus.ids})
    assert np.shares_memory(shared.vectors, index.vectors())
    picked = related_for(1000, shared, index=index)
    assert all(stories[i] != stories[1000] for i in picked)


def test_real_articles_relate_by_topic(embedder: Embedder) -> None:
    articles = [
        ("Harbour bridge to close for repairs", "The crossing shuts for 18 months.", "bridge"),
        ("Bridge closure: what drivers need to know", "Diversions start in March.", "bridge2"),
        ("Ferry services expanded as bridge shuts", "Extra boats will run.", "ferry"),
        ("Striker's late double wins the cup", "A dramatic final at Wembley.", "cup"),
        ("Manager praises team after cup triumph", "Celebrations in the city.", "cup2"),
        ("Inflation falls to 2.1% in October", "Prices rose more slowly.", "prices"),
        ("Central bank holds interest rates", "Borrowing costs stay at 4%.", "rates"),
    ]
    texts = [text_for_embedding(h, s) for h, s, _ in articles]
    corpus = Corpus.from_columns(
        list(range(len(articles))), embedder.encode(texts), [k for *_, k in articles], [NOW] * 7
    )
    result = related_all(corpus, k=2, lambda_=1.0)
    assert set(result[0]) == {1, 2}
    assert result[3][0] == 4
    assert set(result[5]) == {6} | (set(result[5]) - {6}) and result[5][0] == 6
