"""The check-and-repair loop on plain strings: no newsroom, no database."""

from __future__ import annotations

import pytest
from tests.fiction import POOL_STORY

from retold.records import SentenceCheck, SourceDoc
from retold.verify.checker import Checker, check_article
from retold.verify.policy import MIN_PARAGRAPHS
from retold.verify.repair import CheckFn, Outcome, check_and_repair, sentences_of

SOURCE = SourceDoc(
    id=1, url="https://example.org/pool", title="Pool", text="\n\n".join(POOL_STORY)
)
INVENTED = "The mayor said the pool would also get a new wave machine and a cinema."
DRAFT = [POOL_STORY[0], f"{POOL_STORY[1]} {INVENTED}", POOL_STORY[2], POOL_STORY[3]]


def real_check(checker: Checker) -> CheckFn:
    return lambda paragraphs: check_article(sentences_of(paragraphs), [SOURCE], checker=checker)


def run(paragraphs: list[str], check: CheckFn, policy: str, max_rounds: int = 2) -> Outcome:
    return check_and_repair(paragraphs, check(paragraphs), check, policy, max_rounds)


def failing(checks: list[SentenceCheck]) -> list[str]:
    return [c.text for c in checks if c.verdict != "supported"]


# -- with the real checker -------------------------------------------------------------------


def test_a_faithful_draft_is_published_as_written(checker: Checker) -> None:
    draft = POOL_STORY[:4]
    outcome = run(draft, real_check(checker), "repair")
    assert outcome.decision.action == "publish"
    assert (outcome.paragraphs, outcome.rounds, outcome.repaired) == (draft, 0, False)
    assert outcome.checks == outcome.first_checks
    assert not failing(outcome.checks)


def test_repair_replaces_what_the_source_does_not_say(checker: Checker) -> None:
    outcome = run(DRAFT, real_check(checker), "repair")
    assert failing(outcome.first_checks) == [INVENTED]  # what the writer wrote, as found
    assert outcome.decision.action == "publish"
    assert outcome.repaired and outcome.rounds >= 1
    assert outcome.note == f"repaired in {outcome.rounds} round(s)"
    body = " ".join(outcome.paragraphs)
    assert INVENTED not in body and POOL_STORY[0] in body
    assert not failing(outcome.checks)  # the checks are those of the repaired text
    assert len(outcome.checks) == sum(len(s) for s in sentences_of(outcome.paragraphs))


def test_mark_publishes_the_draft_with_its_failing_sentence(checker: Checker) -> None:
    outcome = run(DRAFT, real_check(checker), "mark")
    assert outcome.decision.action == "publish"
    assert (outcome.paragraphs, outcome.rounds, outcome.repaired) == (DRAFT, 0, False)
    assert failing(outcome.checks) == [INVENTED]


@pytest.mark.parametrize(("policy", "max_rounds"), [("hold", 2), ("repair", 0)])
def test_hold_or_no_rounds_left_holds_the_draft_unchanged(
    checker: Checker, policy: str, max_rounds: int
) -> None:
    outcome = run(DRAFT, real_check(checker), policy, max_rounds)
    assert outcome.decision.action == "hold"
    assert (outcome.paragraphs, outcome.rounds, outcome.repaired) == (DRAFT, 0, False)
    assert failing(outcome.checks) == [INVENTED]


# -- with a deterministic check, for the shapes the real checker rarely takes ---------------


def marking(*bad: str, evidence: str = "") -> CheckFn:
    """Fails every sentence containing one of `bad`, offering `evidence` as the source's words."""

    def check(paragraphs: list[str]) -> list[SentenceCheck]:
        return [
            SentenceCheck(
                paragraph=index,
                text=sentence,
                verdict="unsupported" if any(b in sentence for b in bad) else "supported",
                score=0.0 if any(b in sentence for b in bad) else 1.0,
                evidence=evidence if any(b in sentence for b in bad) else sentence,
            )
            for index, sentences in enumerate(sentences_of(paragraphs))
            for sentence in sentences
        ]

    return check


PLAIN = ["One fact here. Two facts here.", "Wrong claim here. Three facts here.", "Four facts."]


def test_evidence_that_fails_again_is_dropped_on_the_next_round() -> None:
    # Round 1 puts the "evidence" in the failing sentence's place; it fails too, so round 2
    # drops it: the source's words first, then nothing.
    outcome = run(PLAIN, marking("Wrong", evidence="Wrong again."), "repair", max_rounds=2)
    assert outcome.decision.action == "publish"
    assert outcome.rounds == 2
    assert outcome.paragraphs == [
        "One fact here. Two facts here.",
        "Three facts here.",
        "Four facts.",
    ]


def test_rounds_running_out_hold_the_last_repair() -> None:
    outcome = run(PLAIN, marking("Wrong", evidence="Wrong again."), "repair", max_rounds=1)
    assert outcome.decision.action == "hold"
    assert outcome.rounds == 1 and outcome.repaired
    assert outcome.paragraphs[1] == "Wrong again. Three facts here."
    assert failing(outcome.checks) == ["Wrong again."]
    assert failing(outcome.first_checks) == ["Wrong claim here."]


def test_a_repair_that_would_leave_too_little_holds_the_draft_as_written() -> None:
    draft = ["Bad one.", "Bad two.", "Good one. Bad three."]
    outcome = run(draft, marking("Bad"), "repair")
    assert len([p for p in draft if "Good" in p]) < MIN_PARAGRAPHS
    assert outcome.decision.action == "hold"
    assert (outcome.paragraphs, outcome.rounds, outcome.repaired) == (draft, 1, False)
    assert outcome.checks == outcome.first_checks


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown checking policy"):
        run(PLAIN, marking("Wrong"), "polcy")
