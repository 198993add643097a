"""Normal forms of characters and whitespace, and paragraphs."""

from __future__ import annotations

from retold.text.distance import edit_distance
from retold.text.normalise import collapse_spaces, normalise
from retold.text.paragraphs import split_blocks, unwrapped_sentences


def test_normalise() -> None:
    assert normalise("  It’s ‘fine’ `now`\n\t ok ") == "It's 'fine' 'now' ok"
    assert normalise("ﬁve ４Ｋ") == "five 4K"  # NFKC: ligatures and full-width forms
    assert normalise("") == ""
    assert normalise("“quoted”") == "“quoted”"  # double quotes are the quote checker's


def test_collapse_spaces() -> None:
    assert collapse_spaces(" a\n\n b\u00a0c\t") == "a b c"
    assert collapse_spaces("") == ""


def test_blocks_split_at_blank_lines_only() -> None:
    assert split_blocks("one\ntwo\n \t\nthree\n\n\nfour") == ["one\ntwo", "three", "four"]


def test_unwrapped_sentences_end_at_blank_lines_never_at_single_breaks() -> None:
    text = "The bridge\nreopened on Monday. Traffic\nflowed.\n\nHeadline Without Stop\n\n  \n"
    assert unwrapped_sentences(text) == [
        "The bridge reopened on Monday.",
        "Traffic flowed.",
        "Headline Without Stop",
    ]
    assert unwrapped_sentences("") == []


def test_edit_distance() -> None:
    assert edit_distance("mendel", "mendal") == 1
    assert edit_distance("voss", "vose") == 1
    assert edit_distance("", "abc") == 3
    assert edit_distance("a", "abcdefgh") == 4  # gives up past the limit
    assert edit_distance("kitten", "sitting", limit=5) == 3
