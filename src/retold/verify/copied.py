"""Sentences copied word for word from a source: found before any rule runs.

A sentence that stands in its source is supported by construction, whatever the rules
would make of it, and its evidence is the passage it was copied from. "Stands in" means,
after :func:`normal_form` on both sides (NFKC; invisible characters dropped; curly quotes,
primes and dashes made plain; whitespace collapsed; tokenised contractions and punctuation
rejoined, so "has n't" is "hasn't"; case kept), that the sentence occurs inside one source
paragraph

- starting where a sentence can start: the paragraph's or a line's start, or, before a word
  that is not lower-case, after a sentence's closing punctuation or a wire dateline's dash;
  and
- ending where a sentence ends: at a line's end, or with its own closing punctuation before
  a word that is not lower-case;

so the writer and the checker may split sentences differently (a sentence may be several
source sentences, or one piece of a source sentence the segmenter did not split), but a
fragment cut out of a clause ("the bridge would close" from "Officials denied that the
bridge would close") is never taken for a copy. Nor is a sentence copied out of a quotation
without its quote marks: it would put the speaker's words in the writer's mouth.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

# The reason shown on a copied sentence; the judges leave such a sentence as it is.
COPIED_REASON = "Found word for word in the source."

# Characters written for the same thing in different ways.
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("“”„‟«»″〝〞＂", '"'),
        **dict.fromkeys("‘’‚‛‹›′ʼ´`", "'"),
        **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
        "\u00a0": " ",
    }
)
# Tokenised text ("has n't", "club 's", "word ," , "`` quoted ''") rejoined.
_TOKENISED = (
    (re.compile(r"``|''"), '"'),
    (re.compile(r"(?<=\w) (?=(?:n't|'(?:s|re|ve|ll|d|m|t))\b)", re.IGNORECASE), ""),
    (re.compile(r" (?=[.,;:!?%)\]}](?:\s|$))"), ""),
    (re.compile(r"(?<=[(\[{$]) "), ""),
)
_SPACE = re.compile(r"[^\S\n]+")
_LINES = re.compile(r" ?\n+ ?")
# Where a sentence can end (then a space): closing punctuation, perhaps closing quotes.
_END = re.compile(r"(?:[.!?]|\.\.\.)[\"')\]]*$")
# A dateline's dash ("HARROWMERE, Nov 24 (Metro Wire) - "), before a capital or a digit.
_DATELINE_DASH = re.compile(r"(?:^|\s)-\s$")


def normal_form(text: str) -> str:
    """``text`` in the form copies are compared in (see the module docstring); line breaks
    are kept, as single newlines, because a line's start is a place a sentence can start."""
    text = unicodedata.normalize("NFKC", text).translate(_PLAIN)
    # soft hyphens, zero-width spaces and joiners: invisible, and not in every copy
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = _LINES.sub("\n", _SPACE.sub(" ", text)).strip()
    for pattern, replacement in _TOKENISED:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class Paragraph:
    text: str  # normal form, lines joined by single spaces
    line_starts: tuple[int, ...]  # offsets where a line starts
    quotes: tuple[int, ...]  # offsets of every double quote mark


def paragraphs(text: str) -> list[Paragraph]:
    """A source text's paragraphs (blank-line separated), ready to search."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in normal_form(block).split("\n") if line]
        if not lines:
            continue
        starts, at = [], 0
        for line in lines:
            starts.append(at)
            at += len(line) + 1
        joined = " ".join(lines)
        quotes = tuple(i for i, c in enumerate(joined) if c == '"')
        out.append(Paragraph(joined, tuple(starts), quotes))
    return out


def _starts_sentence(p: Paragraph, at: int, first: str) -> bool:
    if at == 0 or at in p.line_starts:
        return True
    # mid-paragraph, a lower-case word after a stop follows an abbreviation ("vs. the"),
    # which the segmenter rightly did not split at
    if first.islower() or p.text[at - 1] != " ":
        return False
    before = p.text[: at - 1]
    return bool(_END.search(before) or _DATELINE_DASH.search(before + " "))


def _ends_sentence(p: Paragraph, end: int, needle: str) -> bool:
    if end == len(p.text) or end + 1 in p.line_starts:
        return True
    # as at the start, a lower-case word next means the stop was an abbreviation's ("U.S. vs.")
    return (
        p.text[end] == " " and not p.text[end + 1 : end + 2].islower() and bool(_END.search(needle))
    )


def _inside_quotation(p: Paragraph, at: int, needle: str) -> bool:
    """Whether the match starts inside a quotation the sentence does not mark as one."""
    if '"' in needle:
        return False
    return bisect_right(p.quotes, at - 1) % 2 == 1


def _locate(needle: str, sources: Sequence[Sequence[Paragraph]]) -> int | None:
    """The number of a source that has ``needle`` (normal form) standing as a sentence."""
    for d, paras in enumerate(sources):
        for p in paras:
            at = p.text.find(needle)
            while at >= 0:
                end = at + len(needle)
                if (
                    _starts_sentence(p, at, needle[0])
                    and _ends_sentence(p, end, needle)
                    and not _inside_quotation(p, at, needle)
                ):
                    return d
                at = p.text.find(needle, at + 1)
    return None


# Past this many words a sentence is not tried piece by piece (the search is quadratic).
MAX_PIECEWISE_WORDS = 120


def find(sentence: str, sources: Sequence[Sequence[Paragraph]]) -> list[tuple[int, str]] | None:
    """Where ``sentence`` is copied from: [(source number, the copied text in normal form)],
    or None when it is not a copy.

    Usually one piece. Several when the sentence joins copies the checker's segmenter
    can't tell apart: a heading or list line and the sentence after it, two paragraphs'
    sentences with no capital between them ("for each. moveBuddha's team…"). Each piece
    must stand as a sentence in a source on its own, so nothing is pieced from fragments.
    """
    needle = normal_form(sentence).replace("\n", " ")
    if len(needle) < 2:
        return None
    d = _locate(needle, sources)
    if d is not None:
        return [(d, needle)]
    spaces = [i for i, c in enumerate(needle) if c == " "]
    if len(spaces) >= MAX_PIECEWISE_WORDS:
        return None
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(needle):
        # the longest copied piece from here (a copy is as long as the writer took it)
        for end in [len(needle), *reversed([i for i in spaces if i > start])]:
            d = _locate(needle[start:end], sources)
            if d is not None:
                pieces.append((d, needle[start:end]))
                start = end + 1
                break
        else:
            return None
    return pieces


def passage(needle: str, normal_units: Sequence[str]) -> int | None:
    """The shortest source unit (a sentence, or two in a row, given in :func:`normal_form`)
    the copy stands in; None when it spans more than two sentences."""
    best: int | None = None
    for i, unit in enumerate(normal_units):
        if needle in unit and (best is None or len(unit) < len(normal_units[best])):
            best = i
    return best
