from datetime import date

import pytest

from retold.records import SentenceCheck
from retold.verify.copied import COPIED_REASON
from retold.verify.label import SEED_LABEL, label_for
from retold.verify.policy import Decision, UnknownPolicy, decide, repair_by_dropping


def checks(*verdicts: str) -> list[SentenceCheck]:
    return [
        SentenceCheck(0, f"s{i}", v, 0.9 if v == "supported" else 0.1)
        for i, v in enumerate(verdicts)
    ]


def test_seed_label() -> None:
    assert label_for(None, backend="local", imagined=True, reviewed_on=None) == SEED_LABEL
    assert SEED_LABEL == "I imagined this. I have no way to verify it's accurate."
    assert label_for([], backend="local", imagined=False, reviewed_on=None) == SEED_LABEL


def test_checked_label_wording() -> None:
    got = label_for(checks(*["supported"] * 11, "unsupported"), backend="local", imagined=False)
    assert got == (
        "I retold this from the original source. 11 of 12 sentences match it; "
        "the one I couldn't match is marked."
    )
    assert label_for(checks(*["supported"] * 12), backend="local", imagined=False) == (
        "I retold this from the original source. All 12 sentences match it."
    )
    got = label_for(
        checks("supported", "contradicted", "unsupported"),
        backend="openai",
        imagined=False,
        sources=2,
    )
    assert got == (
        "I retold this from the original sources. 1 of 3 sentences matches them; "
        "the two I couldn't match are marked."
    )


def test_a_model_article_says_how_much_it_kept_word_for_word() -> None:
    kept = [SentenceCheck(0, "k", "supported", 1.0, COPIED_REASON)] * 2
    got = label_for(kept + checks("supported", "unsupported"), backend="local", imagined=False)
    assert got == (
        "I retold this from the original source, keeping two of its sentences word for word. "
        "3 of 4 sentences match it; the one I couldn't match is marked."
    )
    got = label_for(kept[:1] + checks("supported"), backend="local", imagined=False)
    assert got.startswith("I retold this from the original source, keeping one of its")
    assert label_for(kept, backend="openai", imagined=False, sources=2) == (
        "I kept every sentence of this as the original sources write it. "
        "All 2 sentences match them."
    )


def test_extractive_and_reviewed() -> None:
    got = label_for(
        checks(*["supported"] * 9),
        backend="extractive",
        imagined=False,
        reviewed_on=date(2026, 11, 25),
    )
    assert got == (
        "I picked these sentences from the original source without changing them. "
        "All 9 match it. Reviewed by an editor on 25 Nov 2026."
    )
    assert label_for(None, backend="local", imagined=True, reviewed_on=date(2026, 1, 5)) == (
        SEED_LABEL + " Reviewed by an editor on 5 Jan 2026."
    )


def test_policy_decisions() -> None:
    good, bad = checks("supported", "supported"), checks("supported", "unsupported")
    assert decide(good, "repair", 0, 2) == Decision("publish", [])
    assert decide(bad, "mark", 0, 2) == Decision("publish", [1])
    assert decide(bad, "repair", 0, 2) == Decision("repair", [1])
    assert decide(bad, "repair", 2, 2) == Decision("hold", [1])
    assert decide(bad, "hold", 0, 2) == Decision("hold", [1])
    with pytest.raises(UnknownPolicy):
        decide(bad, "yolo", 0, 2)


def test_repair_by_dropping() -> None:
    paragraphs = [["a", "b"], ["c"], ["d"], ["e"]]
    result = repair_by_dropping(
        paragraphs, checks("supported", "unsupported", "supported", "supported", "contradicted")
    )
    assert result == [["a"], ["c"], ["d"]]
    assert (
        repair_by_dropping(
            paragraphs, checks("supported", "supported", "unsupported", "unsupported", "supported")
        )
        is None
    )
    with pytest.raises(ValueError):
        repair_by_dropping(paragraphs, checks("supported"))


def test_repair_from_evidence_uses_the_source_words_once() -> None:
    from retold.records import SentenceCheck
    from retold.verify.policy import repair_from_evidence

    def check(text: str, verdict: str, evidence: str = "") -> SentenceCheck:
        return SentenceCheck(paragraph=0, text=text, verdict=verdict, score=0.5, evidence=evidence)

    paragraphs = [["A ok."], ["B wrong.", "C wrong."], ["D ok."], ["E wrong."]]
    checks = [
        check("A ok.", "supported"),
        check("B wrong.", "contradicted", "The source says B."),
        check("C wrong.", "unsupported", "The source says B."),  # same evidence: dropped
        check("D ok.", "supported"),
        check("E wrong.", "unsupported", ""),  # no evidence: dropped
    ]
    assert repair_from_evidence(paragraphs, checks) == [
        ["A ok."],
        ["The source says B."],
        ["D ok."],
    ]
    assert repair_from_evidence([["A ok."], ["E wrong."]], [checks[0], checks[4]]) is None


def test_a_repaired_article_says_what_the_repair_did() -> None:
    good = checks(*["supported"] * 6)
    assert label_for(good, backend="local", imagined=False, replaced=1) == (
        "I retold this from the original source. All 6 sentences match it. After checking, "
        "I put one sentence I couldn't match back in the source's words."
    )
    assert label_for(good, backend="local", imagined=False, removed=2).endswith(
        "After checking, I removed two sentences I couldn't match."
    )
    assert label_for(good, backend="local", imagined=False, replaced=2, removed=1).endswith(
        "I put two sentences back in the source's words and removed one I couldn't match."
    )
