"""How much of a text is copied from its sources word for word.

A retelling may quote people (their exact words, in quotation marks, attributed), but what
it says in its own voice must not be the source's sentences with the serial numbers filed
off. The measure is the longest run of consecutive words, outside quotation marks, that a
source has in the same order (case, punctuation and apostrophes aside).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from retold.text.quotes import unquoted_parts
from retold.text.words import words

# A run this long copied outside quotes is a copy, not a shared phrase: common phrases
# ("the council said on Tuesday that the") stay well under it.
COPY_LIMIT = 12


def longest_copied_run(text: str, sources: Sequence[str]) -> list[str]:
    """The longest run of words of ``text``, outside quotes, that a source has verbatim."""
    best: list[str] = []
    parts = [words(part) for part in unquoted_parts(text)]
    for source in sources:
        where: dict[str, list[int]] = defaultdict(list)
        for j, word in enumerate(words(source)):
            where[word].append(j)
        for mine in parts:
            ending: dict[int, int] = {}  # source position -> length of the run ending there
            for i, word in enumerate(mine):
                ending = {j: ending.get(j - 1, 0) + 1 for j in where.get(word, ())}
                longest = max(ending.values(), default=0)
                if longest > len(best):
                    best = mine[i - longest + 1 : i + 1]
    return best
