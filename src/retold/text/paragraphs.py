"""Paragraphs: blank-line separated blocks, and the sentences of unwrapped paragraphs."""

from __future__ import annotations

import re

from retold.text.normalise import collapse_spaces
from retold.text.sentences import split_sentences

# A blank line, perhaps holding spaces: what ends a paragraph in plain text.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_blocks(text: str) -> list[str]:
    """The blank-line separated blocks of ``text`` as written (some may be empty)."""
    return PARAGRAPH_BREAK.split(text)


def unwrapped_sentences(text: str) -> list[str]:
    """Sentences of ``text``, each paragraph unwrapped to one line first: a blank line
    always ends a sentence, a single line break never does (how the checker reads text)."""
    out: list[str] = []
    for block in split_blocks(text):
        paragraph = collapse_spaces(block)
        if paragraph:
            out.extend(p.strip() for p in split_sentences(paragraph) if p.strip())
    return out
