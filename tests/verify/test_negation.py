"""Negations added or dropped against the evidence, and clauses that only look like it."""

from __future__ import annotations

from retold.verify.checker import Checker, check_text

SOURCE = (
    "An Australian pleaded guilty on Thursday to manslaughter in the death of an American "
    "tourist. Since then Billy hasn't been seen and he isn't returning any phone calls. "
    "The family say Billy has been struggling to find work."
)


def verdict(checker: Checker, sentence: str) -> tuple[str, str]:
    (check,) = check_text(sentence, [SOURCE], checker=checker)
    return check.verdict, check.reason


def test_added_negation_with_a_reworded_verb(checker: Checker) -> None:
    v, reason = verdict(checker, "An Australian has pled not guilty to manslaughter.")
    assert v == "contradicted" and "pleaded guilty" in reason


def test_dropped_negation(checker: Checker) -> None:
    v, _ = verdict(checker, "Since then Billy has been seen.")
    assert v == "contradicted"


def test_same_words_in_another_clause_are_not_a_dropped_negation(checker: Checker) -> None:
    v, reason = verdict(checker, "The family say Billy has been struggling to find work.")
    assert v == "supported", reason


def test_a_tense_change_does_not_hide_a_dropped_negation(checker: Checker) -> None:
    source = "The engineer said the bridge is not about to fall down."
    got = check_text(
        "The engineer said the bridge was about to fall down.", [source], checker=checker
    )
    assert got[0].verdict == "contradicted"


def test_an_opposite_in_the_same_place(checker: Checker) -> None:
    source = (
        "House prices rose 4% last year, the highest rise since 2015. "
        "Traders on the east bank fear losing customers."
    )
    for wrong, opposite in (
        ("House prices fell 4% last year.", "rose"),
        ("Traders on the west bank fear losing customers.", "east"),
        ("House prices rose 4% last year, the lowest rise since 2015.", "highest"),
    ):
        got = check_text(wrong, [source], checker=checker)[0]
        assert got.verdict == "contradicted" and f"“{opposite}”" in got.reason, wrong
    for right in ("House prices rose 4% last year.", "East bank traders fear losing customers."):
        assert check_text(right, [source], checker=checker)[0].verdict != "contradicted"
