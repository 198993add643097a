"""Quotation marks: where a text quotes someone, and what it says outside quotes.

The checker holds quoted words to the letter (verify/quotes.py); the writer's no-copy rule
counts only what is outside quotes (text/copying.py). Both read quotes the same way.
"""

from __future__ import annotations

import re

from retold.text.words import WORD

# Double quotes of every common kind; single quotes only where they clearly open and close
# a quotation (after a space or bracket, before a space or punctuation), so "don't" and
# "the workers' union" are not quotes. The tokenised `` ` ... ' `` form appears in datasets.
_DOUBLE = re.compile(r"[\"“”„«»]\s*([^\"“”„«»]+?)\s*[\"“”„«»]")
# A contraction split off by a tokeniser ("club 's", "we 're"): an apostrophe, not a quote mark.
CONTRACTION = r"['’](?:s|re|ve|ll|d|m|t)"
_SINGLE = re.compile(
    rf"(?:(?<=^)|(?<=[\s(\[—–]))(?!{CONTRACTION}\s)"
    rf"['‘`]\s*((?:[^'‘’`\n]|(?={CONTRACTION}\s)['’])*?[^\s'‘’`])"
    r"\s*['’](?=[\s,.;:!?)\]—–]|$)"
)


def quoted_spans(text: str) -> list[str]:
    """The quoted passages in ``text`` (without their marks), in order."""
    spans = [m.group(1) for m in _DOUBLE.finditer(text)]
    stripped = _DOUBLE.sub(" ", text)
    spans += [m.group(1) for m in _SINGLE.finditer(stripped)]
    return [s for s in spans if WORD.search(s)]


def unquoted_parts(text: str) -> list[str]:
    """``text`` cut at every quotation: the stretches a writer wrote in its own voice."""
    parts = _DOUBLE.split(text)[::2]  # split() interleaves the captured quotes
    return [piece for part in parts for piece in _SINGLE.split(part)[::2] if piece.strip()]
