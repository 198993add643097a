"""What a word is: the tokenisers every stage shares, and word lists written as text.

One pattern, :data:`WORD`, is a word for the writer and the checker alike. The few
variants below exist because a caller measures something different with them (figures
kept whole for ranking, hyphenated Latin words for clustering, shingles for duplicate
detection); each says why, and each was measured where it is used.
"""

from __future__ import annotations

import re
import unicodedata

# Letters or digits of any script, with inner apostrophes ("didn't", "O'Brien").
# Apostrophes are straightened before matching (see :func:`straight_apostrophes`).
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# A word, or a figure with its decimal or thousands separators kept ("4.2", "1,000"):
# ranking counts a figure as one fact, where the checker reads numbers on their own.
WORD_OR_FIGURE = re.compile(WORD.pattern + r"(?:[.,]\d+)*")

# Lower-case Latin words with their hyphens and apostrophes ("cease-fire", "o'clock"), at
# least two letters, no digits: clustering's vocabulary (figures are compared separately),
# on which its thresholds were measured. Match against lower-cased text.
LATIN_WORD = re.compile(r"[a-z][a-z'’-]+")

# A word as the duplicate detector shingles it: any word characters, with inner dots,
# commas and apostrophes. Fingerprints are stored, so this never changes.
SHINGLE_WORD = re.compile(r"\w+(?:[.,'’]\w+)*")

_APOSTROPHES = str.maketrans({"’": "'"})


def straight_apostrophes(text: str) -> str:
    """``text`` with the typographic apostrophe ’ written as '."""
    return text.translate(_APOSTROPHES)


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a frozenset (word lists kept as prose)."""
    return frozenset(text.split())


def words(text: str) -> list[str]:
    """Lower-case word tokens; contractions split so "didn't" gives "did", "n't", and a
    possessive "'s" dropped ("Voss's" gives "voss")."""
    out: list[str] = []
    for match in WORD.finditer(straight_apostrophes(text)):
        word = match.group(0).lower()
        if word.endswith("n't") and len(word) > 3:
            out.extend((word[:-3], "n't"))
        elif word.endswith("'s"):
            out.append(word[:-2])
        else:
            out.append(word)
    return out


def words_and_figures(text: str) -> list[str]:
    """Lower-case words and whole figures ("4.2", "1,000") of ``text``, in order."""
    return WORD_OR_FIGURE.findall(straight_apostrophes(text.lower()))


_BARE_WORD = re.compile(r"\b[a-z]+\b")


def bare_words(lowered: str) -> set[str]:
    """The runs of a-z standing alone as words in lower-cased text: hyphens and
    apostrophes split them ("twenty-five" gives "twenty" and "five"), digits don't."""
    return set(_BARE_WORD.findall(lowered))


def latin_words(text: str) -> list[str]:
    """Lower-case Latin words of ``text`` (see :data:`LATIN_WORD`), apostrophes straightened."""
    return LATIN_WORD.findall(straight_apostrophes(text.lower()))


def shingle_words(text: str) -> list[str]:
    """Word tokens for duplicate detection: NFKC, case-folded, accents kept, punctuation dropped."""
    text = straight_apostrophes(unicodedata.normalize("NFKC", text).casefold())
    return SHINGLE_WORD.findall(text)
