"""Sentences copied from the source pass with the passage they came from as evidence; names
written with dots, hyphens, ampersands and digits are found as written; negations written in
another tokenisation are the same negation."""

from __future__ import annotations

import pytest

from retold.records import SentenceCheck
from retold.verify import copied, names
from retold.verify.checker import Checker, check_text
from retold.verify.judges.base import JudgeVerdict
from retold.verify.judges.combine import combine

SOURCE = (
    "HARROWMERE, Nov 24 (Metro Wire) - Halvard Brisk, a retired ferry engineer, won the "
    "National Book Prize on Tuesday. The jury called his novel “a quiet triumph”. He said: "
    '"The judges were kind. The money will go to the lifeboat station." Officials denied that '
    "the ferry service would close.\n\n"
    "Sales rose 5 % in the U.S. vs. the forecast. Brisk has n't written since , his agent said ."
)


def only(checker: Checker, sentence: str, source: str = SOURCE) -> SentenceCheck:
    (check,) = check_text(sentence, [source], checker=checker)
    return check


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("“Quoted” ‘words’ — and – dashes", "\"Quoted\" 'words' - and - dashes"),
        ("Brisk has n't written , he said .", "Brisk hasn't written, he said."),
        ("We 're told the club 's fans ca n't wait", "We're told the club's fans can't wait"),
        ("``A quote'' ( aside ) costs $ 5", '"A quote" (aside) costs $5'),
        ("Ｆｕｌｌ width ２０２６", "Full width 2026"),
        ("soft\u00adhyphen and zero\u200bwidth", "softhyphen and zerowidth"),
        ("spaces \t and\u00a0more", "spaces and more"),
    ],
)
def test_normal_form(written: str, same_as: str) -> None:
    assert copied.normal_form(written) == copied.normal_form(same_as)


def test_case_still_counts() -> None:
    assert copied.normal_form("The Bank") != copied.normal_form("the bank")


def test_a_copied_sentence_is_supported_with_its_passage(checker: Checker) -> None:
    check = only(checker, "The jury called his novel “a quiet triumph”.")
    assert check.verdict == "supported" and check.reason == copied.COPIED_REASON
    assert check.score == 1.0
    assert check.evidence == "The jury called his novel “a quiet triumph”."


def test_a_sentence_without_its_dateline_is_a_copy(checker: Checker) -> None:
    # the writer drops datelines; the rules used to see "Halvard Brisk" where the
    # passage has "HARROWMERE"
    check = only(
        checker,
        "Halvard Brisk, a retired ferry engineer, won the National Book Prize on Tuesday.",
    )
    assert check.verdict == "supported" and check.reason == copied.COPIED_REASON
    assert check.evidence.startswith("HARROWMERE, Nov 24")


def test_a_copy_in_another_tokenisation(checker: Checker) -> None:
    check = only(checker, "Brisk hasn’t written since, his agent said.")
    assert check.verdict == "supported" and check.reason == copied.COPIED_REASON
    assert "has n't written" in check.evidence


def test_a_copy_spanning_two_source_sentences(checker: Checker) -> None:
    sentence = (
        "Halvard Brisk, a retired ferry engineer, won the National Book Prize on Tuesday. "
        "The jury called his novel “a quiet triumph”."
    )
    # the checker splits it in two; as one sentence (another writer's split) it is a copy
    pairs = [(SOURCE, "")]
    (rows,) = checker.analyse_many([([[sentence]], pairs)])
    (_, _, signals, evidence, _) = rows[0]
    assert signals is not None and signals.copied
    assert "HARROWMERE" in evidence and "quiet triumph" in evidence


def test_part_of_a_source_sentence_only_at_sentence_boundaries() -> None:
    paras = [copied.paragraphs(SOURCE)]
    assert copied.find("Halvard Brisk, a retired ferry engineer, won", paras) is None
    assert copied.find("the ferry service would close.", paras) is None  # a clause cut out
    assert copied.find("The money will go to the lifeboat station.", paras) is None  # quoted
    assert copied.find('The money will go to the lifeboat station."', paras) is not None
    assert copied.find("Sales rose 5% in the U.S.", paras) is None  # "U.S. vs." goes on


def test_a_changed_copy_is_not_a_copy(checker: Checker) -> None:
    check = only(checker, "Sales rose 7% in the U.S. vs. the forecast.")
    assert check.verdict == "contradicted" and "7%" in check.reason
    check = only(checker, "The jury called his novel “a loud triumph”.")
    assert check.verdict == "contradicted"


def test_a_judge_does_not_overturn_a_copy() -> None:
    check = SentenceCheck(0, "A.", "supported", 1.0, copied.COPIED_REASON, "A.")
    verdict = JudgeVerdict("contradicted", 0.01, "no", "llm")
    assert combine(check, verdict, threshold=0.5) == check


# Names as written: each sentence reworded (so not a copy), its names as in the source.
NAME_SOURCE = (
    "The U.S. regulator approved the phone on Monday. It charges over USB-C and joins Wi-Fi "
    "networks. Shares in the S&P 500 rose after the 4K model, with 256GB of storage, raised "
    "$300M in orders. Apple said iOS 18 runs on it. Sales slowed during COVID-19, analysts said."
)
NAMED = [
    ("On Monday the U.S. regulator approved the phone.", "U.S."),
    ("The phone charges over USB-C and it joins Wi-Fi networks.", "USB-C"),
    ("The phone charges over USB-C and it joins Wi-Fi networks.", "Wi-Fi"),
    ("Shares in the S&P 500 rose after the 4K model raised $300M in orders.", "S&P"),
    ("The 4K model with 256GB of storage raised $300M in orders.", "4K"),
    ("According to Apple, iOS 18 runs on it.", "iOS"),
    ("Analysts said sales slowed during COVID-19.", "COVID-19"),
]


@pytest.mark.parametrize(("sentence", "name"), NAMED)
def test_names_with_marks_and_digits_are_found(checker: Checker, sentence: str, name: str) -> None:
    assert name in sentence
    check = only(checker, sentence, NAME_SOURCE)
    assert check.reason != copied.COPIED_REASON  # reworded: the rules decided
    assert "name" not in check.reason and "is not in the source" not in check.reason, check.reason


def test_digits_and_units_are_not_names() -> None:
    found = names.extract("Bolmo 7B runs at 2700K on 256GB with 5IR tools.", {"bolmo"})
    assert [n.text for n in found] == ["Bolmo"]


def test_a_changed_name_with_marks_is_still_caught(checker: Checker) -> None:
    check = only(checker, "The phone charges over USB-A and it joins Wi-Fi networks.", NAME_SOURCE)
    assert check.verdict != "supported" and "USB-A" in check.reason


def test_names_match_with_or_without_their_marks() -> None:
    words = names.all_words("It joins Wi-Fi networks in the U.S.")
    for written in ("WiFi", "Wi-Fi", "US", "U.S."):
        (name,) = names.extract(f"It uses {written} today.", set())
        assert names.check(name, words, set()) is None, written
    (usb,) = names.extract("It uses USB-A today.", set())
    assert names.check(usb, names.all_words("It uses USB-C."), set()) is not None


# Negations written in another tokenisation are the same negation.
@pytest.mark.parametrize(
    ("source", "sentence"),
    [
        (
            "Since then Billy has n't been seen by his family .",
            "Billy hasn't been seen by his family since then.",
        ),
        (
            "Since then Billy hasn't been seen by his family.",
            "Billy has n't been seen by his family since then .",
        ),
        (
            "The council won't reopen the bridge this year.",
            "This year the council will not reopen the bridge.",
        ),
        (
            "The council can not reopen the bridge this year.",
            "This year the council cannot reopen the bridge.",
        ),
        (
            "The council ca n't reopen the bridge this year.",
            "This year the council can't reopen the bridge.",
        ),
    ],
)
def test_negation_in_another_tokenisation(checker: Checker, source: str, sentence: str) -> None:
    check = only(checker, sentence, source)
    assert check.reason != copied.COPIED_REASON
    assert check.verdict != "contradicted", check.reason


def test_a_dropped_contracted_negation_is_still_caught(checker: Checker) -> None:
    source = "Since then Billy has n't been seen by his family ."
    assert only(checker, "Billy has been seen by his family since then.", source).verdict == (
        "contradicted"
    )
    source = "The council won't reopen the bridge this year."
    assert only(checker, "This year the council will reopen the bridge.", source).verdict == (
        "contradicted"
    )


def test_a_negation_the_evidence_writes_is_not_added(checker: Checker) -> None:
    source = (
        "Fishing crews are saying the reef is theirs. “We are not saying stop fishing in the "
        "Skerry Deep,” Lindqvist said."
    )
    check = only(
        checker, "“We are not saying stop fishing in the Skerry Deep,” said Lindqvist.", source
    )
    assert check.verdict != "contradicted", check.reason


def test_a_sentence_joining_a_line_and_the_next_paragraph_is_a_copy(checker: Checker) -> None:
    source = (
        "Best movers in New York, ranked for each borough.\n"
        "- Top mover: Colonial Van Lines (4.7/5 rating)\n\n"
        "moveBuddha's team analysed 133 New York movers over two months."
    )
    # the segmenter can't split these where the writer joined them
    sentence = (
        "- Top mover: Colonial Van Lines (4.7/5 rating) moveBuddha's team analysed 133 New "
        "York movers over two months."
    )
    check = only(checker, sentence, source)
    assert check.verdict == "supported" and check.reason == copied.COPIED_REASON
    assert "Colonial Van Lines" in check.evidence and "133 New York movers" in check.evidence
    # every piece must be a copy on its own
    assert copied.find(sentence.replace("133", "134"), [copied.paragraphs(source)]) is None
    assert copied.find("Best movers in New York, ranked.", [copied.paragraphs(source)]) is None
