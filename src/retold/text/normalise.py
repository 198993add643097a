"""Normal forms of text: one spelling for characters and whitespace written many ways."""

from __future__ import annotations

import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def collapse_spaces(text: str) -> str:
    """``text`` with every run of whitespace (line breaks too) one space, and trimmed."""
    # str.split() splits on exactly the characters regex \s matches, NBSP included, at a
    # quarter of the cost of a substitution (this runs on every line of every page).
    return " ".join(text.split())


def normalise(text: str) -> str:
    """NFKC, curly apostrophes and backticks straightened, whitespace collapsed."""
    return collapse_spaces(unicodedata.normalize("NFKC", text).translate(_QUOTES))
