"""How a judge's verdict adjusts a rule-based check: one pure policy, in one place.

With blend = (1 - w)·score + w·p, where p is the judge's probability of support:

- no evidence, or the judge abstained, or the sentence is copied word for word from the
  source: the check is unchanged;
- a rule failure (quote, number, name, negation, swap): the verdict stands, whatever
  the judge says; the score can only fall (to the blend);
- the judge is confident of a contradiction (p ≤ 1 - confident), or says contradicted
  and the blend falls under the threshold: contradicted;
- supported, and the blend falls under the threshold: unsupported;
- unsupported only for want of similar text, and the judge is confident of support
  (p ≥ confident) with the blend at or over the threshold: supported;
- otherwise the verdict stands and the blend is the score.

Scores stay on the right side of the threshold for their verdict, so a score-ranked
measurement and the verdicts never disagree. The reason names the judge that decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from retold.records import SentenceCheck
from retold.verify.copied import COPIED_REASON
from retold.verify.judges.base import Judge, JudgeVerdict

DEFAULT_WEIGHT = 0.5
CONFIDENT = 0.9

# The checker's reasons when nothing but similarity failed; any other reason on an
# unsupported sentence comes from a rule (a name or number not in the source, a swap).
SOFT_REASONS = frozenset({"no passage in the source says this"})


def rule_failure(check: SentenceCheck) -> bool:
    """Did a hard rule (quote, number, name, negation, swap) fail this sentence?"""
    if check.verdict == "contradicted":
        return True
    return check.verdict == "unsupported" and check.reason not in SOFT_REASONS


def _threshold() -> float:
    from retold.verify.scoring import load_weights

    return load_weights().threshold


def _below(threshold: float, score: float) -> float:
    return round(min(score, threshold - 0.01), 4)


def _above(threshold: float, score: float) -> float:
    return round(max(score, threshold), 4)


def combine(
    check: SentenceCheck,
    verdict: JudgeVerdict | None,
    *,
    weight: float = DEFAULT_WEIGHT,
    threshold: float | None = None,
    confident: float = CONFIDENT,
) -> SentenceCheck:
    """``check`` adjusted by ``verdict`` (see the table in this module's docstring)."""
    if verdict is None or verdict.abstained or not check.evidence:
        return check
    if check.verdict == "supported" and check.reason == COPIED_REASON:
        return check  # the source says it word for word: no judge can know better
    t = _threshold() if threshold is None else threshold
    w = min(1.0, max(0.0, weight))
    p = min(1.0, max(0.0, verdict.probability))
    blend = (1 - w) * check.score + w * p
    who = f"the {verdict.judge} judge" if verdict.judge else "the judge"
    why = f"{who}: {verdict.reason}" if verdict.reason else who
    if rule_failure(check):
        return replace(check, score=round(min(check.score, blend), 4))
    contradiction = verdict.label == "contradicted" and p <= 1 - confident
    if contradiction or (verdict.label == "contradicted" and blend < t):
        return replace(check, verdict="contradicted", score=_below(t, blend), reason=why)
    if check.verdict == "supported":
        if blend < t:
            return replace(check, verdict="unsupported", score=_below(t, blend), reason=why)
        return replace(check, score=round(blend, 4))
    if verdict.label == "supported" and p >= confident and blend >= t:
        return replace(check, verdict="supported", score=_above(t, blend), reason=why)
    return replace(check, score=_below(t, blend))


def judge_checks(
    judge: Judge | None,
    checks: Sequence[SentenceCheck],
    *,
    weight: float = DEFAULT_WEIGHT,
    threshold: float | None = None,
    confident: float = CONFIDENT,
) -> list[SentenceCheck]:
    """Ask ``judge`` about every check that has evidence (one call) and combine.

    With no judge, or where nothing has evidence, the checks come back unchanged; nor is
    the judge asked about sentences copied word for word from their source.
    Rule failures are still shown to the judge: its opinion lowers their score.
    """
    out = list(checks)
    if judge is None:
        return out
    # A sentence found word for word in its source needs no second opinion (see combine).
    todo = [i for i, c in enumerate(out) if c.evidence and c.reason != COPIED_REASON]
    if not todo:
        return out
    verdicts = judge.judge([(out[i].evidence, out[i].text) for i in todo])
    if len(verdicts) != len(todo):  # a broken plugin: keep the rule-based checks
        return out
    for i, verdict in zip(todo, verdicts, strict=True):
        out[i] = combine(out[i], verdict, weight=weight, threshold=threshold, confident=confident)
    return out
