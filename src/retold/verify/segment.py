"""Sentence splitting, behind one function so the segmenter can change in one place."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

_PARAGRAPH = re.compile(r"\n\s*\n")


@functools.cache
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, paragraph breaks always ending a sentence."""
    shared: Callable[[str], list[str]] | None
    try:  # the writer's shared segmenter, when present, so both stages agree on boundaries
        from retold.write.sentences import split_sentences as shared
    except ImportError:
        shared = None
    out: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        pieces = shared(paragraph) if shared is not None else _segmenter().segment(paragraph)
        out.extend(p.strip() for p in pieces if p.strip())
    return out
