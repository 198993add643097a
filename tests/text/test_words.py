"""What a word is: the shared tokeniser and its named variants."""

from __future__ import annotations

from retold.text.words import (
    latin_words,
    shingle_words,
    straight_apostrophes,
    words,
    words_and_figures,
    wordset,
)


def test_words_are_lower_case_and_split_contractions() -> None:
    assert words("The mayor didn't say.") == ["the", "mayor", "did", "n't", "say"]
    assert words("Aurelia Voss’s plan") == ["aurelia", "voss", "plan"]  # curly apostrophe
    assert words("O'Brien's rock'n'roll") == ["o'brien", "rock'n'roll"]
    assert words("can't") == ["ca", "n't"]  # as tokenised news text writes it
    assert words("n't") == ["n't"]  # too short to split


def test_words_split_at_hyphens_dots_and_symbols() -> None:
    assert words("A well-known U.S. firm") == ["a", "well", "known", "u", "s", "firm"]
    assert words("4K TVs cost $300M, up 4.2%") == ["4k", "tvs", "cost", "300m", "up", "4", "2"]
    assert words("snake_case — and… more") == ["snake", "case", "and", "more"]
    assert words("") == [] and words(" \n\t ") == []


def test_words_of_every_script() -> None:
    assert words("Ελληνικά και Русский язык") == ["ελληνικά", "και", "русский", "язык"]
    assert words("서울시는 1일 발표했다") == ["서울시는", "1일", "발표했다"]
    assert words("مرحبا بالعالم") == ["مرحبا", "بالعالم"]
    # Scripts without spaces: a run of letters is one token (word counts live in scripts.py).
    assert words("新しい橋が開通した。") == ["新しい橋が開通した"]
    assert words("Straße ÉTÉ") == ["straße", "été"]


def test_figures_stay_whole_for_ranking() -> None:
    assert words_and_figures("Revenue rose 4.2% to $1,000,000 in 2025.") == [
        "revenue", "rose", "4.2", "to", "1,000,000", "in", "2025",
    ]  # fmt: skip
    assert words_and_figures("The U.S. isn’t 4K.") == ["the", "u", "s", "isn't", "4k"]
    assert words_and_figures("end. 5") == ["end", "5"]  # a full stop then a space is no decimal


def test_latin_words_keep_hyphens_and_apostrophes_and_drop_figures() -> None:
    text = "A cease-fire at 6 o’clock, U.S.-led"
    assert latin_words(text) == ["cease-fire", "at", "o'clock", "led"]  # no one-letter words
    assert latin_words("Ελληνικά 2025 x") == []  # Latin letters only, two or more


def test_shingle_words_fold_case_and_width_but_keep_accents() -> None:
    assert shingle_words("Ｆｕｌｌ width CAFÉ’s 3,5 U.S.") == [
        "full",
        "width",
        "café's",
        "3,5",
        "u.s",
    ]


def test_wordset_and_apostrophes() -> None:
    assert wordset("  a b\n a ") == frozenset({"a", "b"})
    assert wordset("") == frozenset()
    assert straight_apostrophes("it’s ‘quoted’") == "it's ‘quoted'"  # only the apostrophe
