"""Phrase patterns matched case-blind by folding the text rather than the pattern.

Python's `re.IGNORECASE` makes a long alternation three to four times slower: every
character is case-mapped at every attempt. The phrase lists that run on every line of
every page are written in lower case and searched in `text.casefold()` instead.
"""

from __future__ import annotations

import re

# Escapes whose letter is upper case (\S, \W, \D, \B, \A, \Z) say nothing about case.
_ESCAPE = re.compile(r"\\.")


def caseless(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled to search casefolded text; it must not spell a capital letter
    (one would never match)."""
    if any(c.isupper() for c in _ESCAPE.sub("", pattern)):
        raise ValueError(f"a caseless pattern is written in lower case: {pattern[:60]!r}")
    return re.compile(pattern)
