"""The one stemmer: crude on purpose, shared by the checker and the sentence ranker.

The checker's weights were fitted on these exact rules, so they change only with a refit.
"""

from __future__ import annotations

import functools

from retold.text.numbers import SMALL
from retold.text.stopwords import STOPWORDS

# Up to twenty: beyond that, news copy writes digits.
_NUMBER_WORDS = {w: str(v) for w, v in {**SMALL, "twenty": 20}.items()}

# Suffixes tried in order, each with what replaces it; at least three letters must remain.
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


@functools.lru_cache(maxsize=1 << 16)  # called for every word of every sentence checked
def stem(word: str) -> str:
    """A deliberately crude stem of a lower-case word: "reports", "reported" and "reporting"
    meet in "report", "policies" in "policy"; "ran" and "runs" stay apart. Number words up to
    twenty become digits, so "eighteen months" and "18 months" make the same word pair."""
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    for suffix, keep in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


def content_stems(tokens: list[str]) -> list[str]:
    """Stems of the content words among ``tokens``; numbers are left to the numbers check."""
    stems = (stem(t) for t in tokens if t not in STOPWORDS and len(t) > 1)
    return [s for s in stems if not s.isdigit()]  # numbers are checked on their own
