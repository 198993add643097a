"""The word-by-word support signal: one content word the evidence doesn't back lowers it."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from retold.verify.bm25 import BM25
from retold.verify.checker import Checker
from retold.verify.features import token_match

EVIDENCE = "The council voted on Tuesday to close the old harbour bridge to cars for six weeks."


def _match(checker: Checker, sentence: str) -> float:
    (_, pieces), (_, evidence) = (
        checker.encoder.encode_with_tokens([t]) for t in (sentence, EVIDENCE)
    )
    return token_match(pieces[0], evidence[0].vectors)


def test_pieces_come_with_the_sentence_vector(checker: Checker) -> None:
    texts = ["The council voted.", EVIDENCE]
    vectors, pieces = checker.encoder.encode_with_tokens(texts)
    assert np.allclose(vectors, checker.encoder.encode(texts), atol=1e-6)
    assert pieces[0].tokens == ["the", "council", "voted", "."]
    assert pieces[1].vectors.shape == (len(pieces[1].tokens), vectors.shape[1])
    assert np.allclose(np.linalg.norm(pieces[1].vectors, axis=1), 1.0, atol=1e-4)


def test_one_changed_word_lowers_the_match(checker: Checker) -> None:
    faithful = _match(checker, "The council voted to close the harbour bridge to cars.")
    changed = _match(checker, "The council voted to demolish the harbour bridge.")
    unrelated = _match(checker, "The striker scored twice in the second half.")
    assert faithful > changed > unrelated


def test_no_content_words_is_neutral(checker: Checker) -> None:
    assert _match(checker, "It was, and it is.") == 1.0


def test_bm25_matches_the_textbook_formula() -> None:
    passages = [["bridge", "close", "bridge"], ["council", "vote"], ["bridge", "council"], []]
    k1, b = 1.2, 0.75
    scores = BM25(passages, k1, b).scores(["bridge", "council", "absent"])
    avg = sum(map(len, passages)) / len(passages)
    for i, passage in enumerate(passages):
        counts, expected = Counter(passage), 0.0
        for term in ("bridge", "council"):
            df = sum(term in p for p in passages)
            idf = math.log(1 + (len(passages) - df + 0.5) / (df + 0.5))
            tf = counts[term]
            expected += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(passage) / avg))
        assert math.isclose(float(scores[i]), expected, rel_tol=1e-5)
