"""The label banner: one plain first-person sentence saying how far to trust the article."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from retold.records import SentenceCheck
from retold.text.numbers import count_word
from retold.verify.copied import COPIED_REASON

SEED_LABEL = "I imagined this. I have no way to verify it's accurate."


REVIEWED = re.compile(r" ?Reviewed by an editor on \d{1,2} [A-Z][a-z]{2} \d{4}\.$")


def reviewed_sentence(on: date) -> str:
    return f"Reviewed by an editor on {on.day} {on:%b %Y}."


def with_review(label: str, on: date | None) -> str:
    """``label`` saying it was reviewed ``on`` (or no longer, for None), replacing any
    earlier review: an approval relabels the stored text without checking it again."""
    label = REVIEWED.sub("", label.strip())
    if on is None:
        return label
    return f"{label} {reviewed_sentence(on)}" if label else reviewed_sentence(on)


def _sentences(n: int) -> str:
    return f"{n} sentence" if n == 1 else f"{n} sentences"


def label_for(
    checks: Sequence[SentenceCheck] | None,
    *,
    backend: str,
    imagined: bool,
    reviewed_on: date | None = None,
    sources: int = 1,
    replaced: int = 0,
    removed: int = 0,
) -> str:
    """Banner text. ``sources``: how many source documents the story was built from;
    ``replaced``/``removed``: sentences a repair put in the source's words or took out."""
    text = SEED_LABEL if imagined or not checks else _checked(checks, backend, sources)
    if checks and not imagined and (replaced or removed):
        text += " " + _repaired(replaced, removed)
    if reviewed_on is not None:
        text += " " + reviewed_sentence(reviewed_on)
    return text


def _checked(checks: Sequence[SentenceCheck], backend: str, sources: int) -> str:
    source = "the original sources" if sources > 1 else "the original source"
    pronoun = "them" if sources > 1 else "it"
    total = len(checks)
    failing = sum(1 for c in checks if c.verdict != "supported")
    matched = total - failing
    if backend == "extractive":
        opening = f"I picked these sentences from {source} without changing them."
        if failing == 0:
            tail = f"All {total} match {pronoun}." if total > 1 else f"It matches {pronoun}."
            return f"{opening} {tail}"
        return f"{opening} {matched} of {total} match {pronoun}; {_marked(failing)}"
    # A model's article may keep some source sentences as they are (a rewrite that copied
    # or strayed, or a repair that put the source's words back): the label says how many.
    copied = sum(1 for c in checks if c.reason == COPIED_REASON)
    if copied == total:
        writes = "write" if sources > 1 else "writes"
        opening = f"I kept every sentence of this as {source} {writes} it."
    elif copied:
        kept = "one of its sentences" if copied == 1 else f"{count_word(copied)} of its sentences"
        opening = f"I retold this from {source}, keeping {kept} word for word."
    else:
        opening = f"I retold this from {source}."
    if failing == 0:
        if total == 1:
            return f"{opening} The one sentence matches {pronoun}."
        return f"{opening} All {_sentences(total)} match {pronoun}."
    verb = "matches" if matched == 1 else "match"
    return f"{opening} {matched} of {_sentences(total)} {verb} {pronoun}; {_marked(failing)}"


def _marked(failing: int) -> str:
    if failing == 1:
        return "the one I couldn't match is marked."
    return f"the {count_word(failing)} I couldn't match are marked."


def _repaired(replaced: int, removed: int) -> str:
    """What a repair did, so a reader knows the writer's draft was corrected."""
    if replaced and removed:
        return (
            f"After checking, I put {_count(replaced)} back in the source's words and removed "
            f"{count_word(removed)} I couldn't match."
        )
    if replaced:
        put = f"put {_count(replaced)} I couldn't match back"
        return f"After checking, I {put} in the source's words."
    return f"After checking, I removed {_count(removed)} I couldn't match."


def _count(n: int) -> str:
    return "one sentence" if n == 1 else f"{count_word(n)} sentences"
