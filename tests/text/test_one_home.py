"""Words, stop words and stems have one home, retold.text: nothing else defines its own."""

from __future__ import annotations

import re
from pathlib import Path

import retold

SRC = Path(retold.__file__).parent

# Tokenisers that read something other than prose words, each for a reason of its own.
SPECIAL_TOKENISERS = {
    ("ingest/hidden.py", "_WORD"),  # CSS colour keywords
    ("ingest/mojibake.py", "_WORD"),  # words as garbled encodings spell them
    ("ingest/mojibake.py", "_NON_ASCII_TOKEN"),
    ("stories/cluster.py", "_LOWER_WORD"),  # a name also written in lower case is no name
    ("verify/names.py", "_TOKEN"),  # names keep dots, hyphens and "&" ("U.S.", "S&P")
    ("verify/numbers.py", "_TOKEN"),  # quantities: currency signs, units, ordinals
    ("verify/checker.py", "_TOKENISED_STOP"),  # " . " between sentences, not a word
    ("write/extractive.py", "_FACT_TOKEN"),  # figures and number words only
}
_TOKENISER = re.compile(r"^(_?[A-Z_]*(?:WORD|TOKEN)[A-Z_]*) = re\.compile", re.MULTILINE)
_FORBIDDEN = {
    "a stop-word list": re.compile(r"^_?[A-Z_]*STOPWORDS\s*=", re.MULTILINE),
    "a stemmer": re.compile(r"^def _?stem\(", re.MULTILINE),
    "a word-set helper": re.compile(r"return frozenset\(\w+\.split\(\)\)"),
    "a paragraph-break pattern": re.compile(r're\.compile\(r"\\n\\s\*\\n"\)'),
    "a removed module": re.compile(
        r"retold\.(?:write\.wordlists|write\.sentences|verify\.segment)\b"
    ),
}


def _outside_text() -> dict[str, str]:
    return {
        path.relative_to(SRC).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] != "text"
    }


def test_no_word_concept_is_defined_outside_text() -> None:
    found = [
        f"{name} defines {what}"
        for name, source in _outside_text().items()
        for what, pattern in _FORBIDDEN.items()
        if pattern.search(source)
    ]
    assert found == []


def test_no_new_word_tokeniser_outside_text() -> None:
    found = {
        (name, m.group(1))
        for name, source in _outside_text().items()
        for m in _TOKENISER.finditer(source)
    }
    assert found - SPECIAL_TOKENISERS == set()
