"""The extractive writer's standfirst: the lead's most central sentence, compressed only by
dropping whole clauses.

A standfirst says what happened. News puts that in its first sentences, so only the lead
of each source is a candidate (a body sentence such as "Rovers had the better of the second
half." is central to a report but says nothing on its own). A candidate longer than the
limit loses whole clauses that a reader doesn't need to get the point (a parenthesis, an
appositive or "which" clause between commas, a trailing "after …" or "including …" clause),
never a word inside what is kept, so every word of the standfirst stands in the source in
the same order and the checker can match it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retold.text.scripts import word_count

LEAD_UNITS = 3  # the first few sentences of each source are its lead
MIN_WORDS = 8

# Spans that can go whole, by how readily they go (a lower class first). Each pattern
# matches exactly what is removed.
# What opens an aside: a noun phrase ("the …", "54") or a clause ("which …", "after …").
_NOUNISH = (
    r"the|a|an|its|their|his|her|aged|now|then|once|formerly|less\s+than|more\s+than|roughly"
    r"|about|some|up\s+from|down\s+from|in\s+(?:what|the|a|an)|\d[\d,.]*"
)
_CLAUSAL = (
    r"which|who|whose|where|led\s+by|including|after|when|while|as|following|amid|despite"
    r"|with|before|until|although|though|because|making|leaving|prompting|forcing|meaning"
    r"|bringing|raising|ending|\w+ed\s+by|\w+ing"
)
_END = r"(?=[.!?]$)"
_CLAUSES: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(r"\s\([^()]{1,160}\)")),  # a parenthesis
    (0, re.compile(r"\s[–—]\s[^–—]{1,160}?\s[–—](?=\s)")),  # a pair of dashes
    # between two commas: ", which …," / ", the arched crossing that …," / ", 54,"
    (
        1,
        re.compile(rf",\s(?:{_NOUNISH}|{_CLAUSAL})\b[^,;:()“”\"]{{0,160}},(?=\s)", re.IGNORECASE),
    ),
    # closing: ", the second cut in three years." (a noun phrase holds no comma) and
    # ", after the council voted …, …." (a clause may)
    (1, re.compile(rf",\s(?:{_NOUNISH})\b[^,;:“”\"]*?{_END}", re.IGNORECASE)),
    (1, re.compile(rf",\s(?:{_CLAUSAL})\b[^;:“”\"]*?{_END}", re.IGNORECASE)),
    # the same without a comma: "… for the first time in 19 years after Okafor headed …"
    (2, re.compile(rf"\s(?:after|because|when|while|following|despite|amid)\b[^;:“”\"]*?{_END}")),
    # a closing attribution, last of all: ", the city council announced on Tuesday."
    (
        3,
        re.compile(
            r",\s[^,;:“”\"]{1,60}?\s(?:said|says|announced|confirmed|reported|told\s+\w+)\b"
            rf"[^,;:“”\"]*?{_END}"
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Cut:
    start: int
    end: int
    rank: int = 0  # how readily it goes: lower first


def removable(sentence: str) -> list[Cut]:
    """Every clause that could be dropped whole, in sentence order (they may overlap)."""
    cuts: list[Cut] = []
    for rank, pattern in _CLAUSES:
        # A zero-width search finds overlapping spans too: ", 58," must not hide the
        # ", who served …," that shares its comma.
        overlapping = re.compile(f"(?=({pattern.pattern}))", pattern.flags)
        for m in overlapping.finditer(sentence):
            start, end = m.start(1), m.end(1)
            if start == 0 or _unbalanced(sentence[:start]) or _LIST.match(sentence, start):
                continue
            cuts.append(Cut(start, end, rank))
    return sorted(set(cuts), key=lambda c: (c.start, c.end))


# "…, transferred or sent home": the last items of a list, not a clause; dropping them
# changes what the sentence says (the checker caught exactly this).
_LIST = re.compile(r",?\s\S+(?:\s\S+){0,2}\s(?:and|or)\s")


def _unbalanced(text: str) -> bool:
    """Inside a quotation: words there are the speaker's and are never cut."""
    return (text.count("“") - text.count("”")) > 0 or text.count('"') % 2 == 1


def without(sentence: str, cuts: Sequence[Cut]) -> str:
    """``sentence`` less every span in ``cuts`` (overlapping spans go as one)."""
    out, at = [], 0
    for cut in sorted(cuts, key=lambda c: c.start):
        if cut.start > at:
            out.append(sentence[at : cut.start])
        at = max(at, cut.end)
    out.append(sentence[at:])
    return "".join(out)


def compress(sentence: str, limit: int, min_words: int = MIN_WORDS) -> str | None:
    """``sentence`` within ``limit`` characters by dropping as little as it can, or None.

    Asides go first, then closing clauses, the attribution last; among equals, from the end
    of the sentence backwards (the main clause comes first in news writing). Each goes only
    while the sentence is still too long; what is kept is never under ``min_words`` words.
    """
    s = sentence.strip()
    if len(s) <= limit:
        return s if word_count(s) >= min_words else None
    dropped: list[Cut] = []
    for cut in sorted(removable(s), key=lambda c: (c.rank, -c.start)):
        dropped.append(cut)
        shorter = without(s, dropped)
        if word_count(shorter) < min_words:
            dropped.pop()
            continue
        if len(shorter) <= limit:
            return shorter
    return None


def choose(
    candidates: Sequence[tuple[int, str]], limit: int, min_words: int = MIN_WORDS
) -> tuple[int, str] | None:
    """The first candidate (index, text), best first, that fits whole or compressed."""
    for index, text in candidates:
        fitted = compress(text, limit, min_words)
        if fitted is not None:
            return index, fitted
    return None
