"""The shared sentence segmenter, which now lives in :mod:`retold.text.sentences`.

Kept so that ``retold.write.sentences`` (imported by the checker and by plugins) still works.
"""

from __future__ import annotations

from retold.text.sentences import (
    Span,
    join_sentences,
    paragraph_spans,
    sentence_spans,
    split_paragraphs,
    split_sentences,
)

__all__ = [
    "Span",
    "join_sentences",
    "paragraph_spans",
    "sentence_spans",
    "split_paragraphs",
    "split_sentences",
]
