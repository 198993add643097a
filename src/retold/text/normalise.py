"""Normal forms of text: one spelling for characters and whitespace written many ways."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def collapse_spaces(text: str) -> str:
    """``text`` with every run of whitespace (line breaks too) one space, and trimmed."""
    return " ".join(text.split())


def normalise(text: str) -> str:
    """NFKC, curly apostrophes and backticks straightened, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()
