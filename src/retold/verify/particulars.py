"""Names and numbers a text states that its reference never does: the cheapest sign of an
invented fact, for texts the sentence checker does not read (a model's headline and
standfirst) and for measuring writers."""

from __future__ import annotations

from retold.verify import names, numbers


def absent_names(text: str, reference: str) -> list[str]:
    """Words ``text`` capitalises (not at a sentence start) that ``reference`` never uses,
    lower-cased as :func:`retold.verify.names.capitalised_words` gives them."""
    have = names.all_words(reference)
    return sorted(
        w for w in names.capitalised_words(text) if w not in have and names.joined(w) not in have
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
