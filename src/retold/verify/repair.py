"""Check, repair and decide: the checker's loop over one draft, without a database.

The verify stage reads a draft and its sources from the store, calls `check_and_repair`
with a function that checks paragraphs against those sources, and stores the outcome.
Everything between the first check and the final decision happens here, so it can be
tested (and reasoned about) on plain lists of strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retold.records import SentenceCheck
from retold.text.sentences import split_sentences
from retold.verify.policy import Decision, decide, repair_by_dropping, repair_from_evidence

# Checks paragraphs (one string each) against the draft's sources, one check per sentence
# in article order (the order `sentences_of` gives).
CheckFn = Callable[[list[str]], list[SentenceCheck]]


def sentences_of(paragraphs: Sequence[str]) -> list[list[str]]:
    """Each paragraph's sentences, as the checker reads and the site marks them."""
    return [split_sentences(p) for p in paragraphs]


def sentence_count(paragraphs: Sequence[str]) -> int:
    return sum(len(s) for s in sentences_of(paragraphs))


@dataclass(frozen=True)
class Outcome:
    """What checking (and perhaps repairing) one draft came to."""

    paragraphs: list[str]  # the text to publish or hold: the draft's, or its repair
    checks: list[SentenceCheck]  # the checks of `paragraphs`
    first_checks: list[SentenceCheck]  # the checks of the draft as written
    decision: Decision
    rounds: int  # repair rounds done
    repaired: bool  # `paragraphs` differ from the draft's

    @property
    def changes(self) -> tuple[int, int]:
        """(sentences put back in the source's words, sentences removed) by the repair."""
        if not self.repaired:
            return 0, 0
        removed = max(0, len(self.first_checks) - len(self.checks))
        failed = sum(c.verdict != "supported" for c in self.first_checks)
        return max(0, failed - removed), removed

    @property
    def note(self) -> str:
        """The repaired version's note, shown with its history."""
        return f"repaired in {self.rounds} round(s)"


def check_and_repair(
    paragraphs: Sequence[str],
    checks: list[SentenceCheck],
    check: CheckFn,
    policy: str,
    max_rounds: int,
) -> Outcome:
    """Decide on a draft whose sentences were checked (`checks`), repairing it while the
    policy allows.

    A repair first puts the source's own words in place of what failed, and drops it on
    later rounds; each repair is checked again with `check`. A repair that would leave
    too little of the article ends the loop with the draft held for an editor.
    """
    original = list(paragraphs)
    current, first_checks, rounds = original, checks, 0
    while True:
        decision = decide(checks, policy, rounds, max_rounds)
        if decision.action != "repair":
            break
        # First the source's own words for what failed, then (if that still fails) nothing.
        repair = repair_from_evidence if rounds == 0 else repair_by_dropping
        repaired = repair(sentences_of(current), checks)
        rounds += 1
        if repaired is None:  # too little would remain: hold it for an editor
            decision = decide(checks, "hold", rounds, rounds)
            break
        current = [" ".join(sentences) for sentences in repaired if sentences]
        checks = check(current)
    return Outcome(
        paragraphs=current,
        checks=checks,
        first_checks=first_checks,
        decision=decision,
        rounds=rounds,
        repaired=current != original,
    )
