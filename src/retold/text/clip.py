"""How much of a source document any stage reads: one bound for writer and checker alike."""

from __future__ import annotations

# About 15,000 words: longer than any article of the real-page set, and what keeps a
# 5 MB page from costing the writer or the checker more than a long article does.
MAX_SOURCE_CHARS = 100_000


def clip_text(text: str, limit: int = MAX_SOURCE_CHARS) -> str:
    """The start of ``text`` up to ``limit`` chars, cut at a paragraph (else a word) break."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit]
