"""A sentence that repeats its own words (garbled generation) scores lower than it would."""

from __future__ import annotations

from retold.verify.checker import Checker, check_text

SOURCE = (
    "A study of the glaciers in the French Alps found that they continue to retreat. "
    "The researchers measured the ice over twenty years."
)


def test_repeated_words_lower_the_score(checker: Checker) -> None:
    clean, garbled = (
        check_text(text, [SOURCE], checker=checker)[0]
        for text in (
            "The glaciers in the French Alps continue to retreat.",
            "The glaciers of glaciers in the French Alps continue to retreat glaciers.",
        )
    )
    assert clean.verdict == "supported"
    assert garbled.score < clean.score
