"""Quoted spans, and whether a source says them verbatim.

Verbatim means the same words in the same order; quote marks, punctuation, whitespace,
case and ellipses ("…", "...") do not count. An ellipsis splits a quote into parts that
must each appear, in order.
"""

from __future__ import annotations

import re

from retold.text.normalise import normalise
from retold.text.quotes import CONTRACTION
from retold.text.words import WORD

# An ellipsis, or a model's unknown-word token, stands for words left out.
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|…|\[\s*\.\.\.\s*\]|\[UNK\]|<unk>|\bUNK\b")
_SPLIT_CONTRACTION = re.compile(rf"(?<=\w)\s+(?=(?:{CONTRACTION}|n['’]t)\b)", re.I)


def _canon(text: str) -> str:
    text = _SPLIT_CONTRACTION.sub("", normalise(text))  # tokenised "we 're", "do n't"
    return " ".join(w.lower() for w in WORD.findall(text.replace("'", "")))


def canonical_source(text: str) -> str:
    """The form a source is searched in: lower-case words separated by single spaces."""
    return " " + _canon(text) + " "


def quote_found(quote: str, canonical_sources: list[str]) -> bool:
    """Whether ``quote`` appears verbatim (in the sense above) in one of the sources."""
    parts = [" " + _canon(p) + " " for p in _ELLIPSIS.split(quote)]
    parts = [p for p in parts if p.strip()]
    if not parts:
        return True
    for source in canonical_sources:
        position = 0
        for part in parts:
            found = source.find(part, position)
            if found < 0:
                break
            position = found + len(part) - 1
        else:
            return True
    return False
