"""Names and numbers a text states that its reference never does: the cheapest sign of an
invented fact, for texts the sentence checker does not read (a model's headline and
standfirst) and for measuring writers."""

from __future__ import annotations

import re

from retold.text.function_words import is_title_case
from retold.verify import names, numbers


def absent_names(text: str, reference: str) -> list[str]:
    """Words ``text`` capitalises (not at a sentence start) that ``reference`` never uses,
    lower-cased as :func:`retold.verify.names.capitalised_words` gives them."""
    have = names.all_words(reference)
    found = names.capitalised_words(text)
    if is_title_case(text):
        # Every word is capitalised ("Comprehensive Guide To Cloud"): only acronyms and
        # words with digits still read as names.
        found = {w for w in found if _acronym_or_code(w, text)}
    return sorted(w for w in found if w not in have and names.joined(w) not in have)


def _acronym_or_code(word: str, text: str) -> bool:
    """Whether ``word`` (lower-cased) stands in ``text`` in capitals ("UK") or with digits."""
    return any(ch.isdigit() for ch in word) or bool(
        re.search(rf"\b{re.escape(word.upper())}\b", text)
    )


def absent_numbers(text: str, reference: str) -> list[str]:
    """Quantities in ``text`` that no quantity of ``reference`` matches, described."""
    theirs = numbers.extract(reference)
    return [
        numbers.describe(q)
        for q in numbers.extract(text)
        if not any(numbers.matches(q, s) for s in theirs)
    ]


def absent_particulars(text: str, reference: str) -> list[str]:
    """Both, names first."""
    return absent_names(text, reference) + absent_numbers(text, reference)
