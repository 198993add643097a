"""What to do with a checked draft: publish it, repair it, or hold it for an editor.

Pure decisions; verify/repair.py runs the check-and-repair loop, the verify stage stores it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from retold.errors import ConfigError
from retold.records import SentenceCheck

POLICIES = ("mark", "repair", "hold")
MIN_PARAGRAPHS = 3  # a repair that leaves fewer is held for an editor
# An article needs at least this many body sentences: fewer is a list, a table, a caption
# or a page that failed to extract, and publishing it would be an empty article. The
# writer stage skips such stories before writing; the verify stage holds any that slip by.
MIN_SENTENCES = 3

Action = Literal["publish", "repair", "hold"]


class UnknownPolicy(ConfigError, ValueError):
    """The newsroom's checking policy is not one Retold knows.

    Settings are validated when the newsroom opens, so this guards callers that pass a
    policy of their own; it still reaches a user as one sentence, never a traceback.
    """


@dataclass(frozen=True)
class Decision:
    action: Action
    failing: list[int] = field(default_factory=list)  # indexes into the checks


def failing_indexes(checks: Sequence[SentenceCheck]) -> list[int]:
    return [i for i, c in enumerate(checks) if c.verdict != "supported"]


def decide(checks: Sequence[SentenceCheck], policy: str, round: int, max_rounds: int) -> Decision:
    """``round`` counts repair rounds already done (0 on the first check).

    - ``mark``: always publish; failing sentences are marked on the page.
    - ``repair``: ask for a repair while rounds remain, then hold if anything still fails.
    - ``hold``: hold anything with a failing sentence until an editor approves it.
    """
    if policy not in POLICIES:
        raise UnknownPolicy(
            f"Unknown checking policy {policy!r}; use one of: {', '.join(POLICIES)}."
        )
    failing = failing_indexes(checks)
    if not failing or policy == "mark":
        return Decision("publish", failing)
    if policy == "repair" and round < max_rounds:
        return Decision("repair", failing)
    return Decision("hold", failing)


def repair_by_dropping(
    paragraphs: list[list[str]], checks: Sequence[SentenceCheck]
) -> list[list[str]] | None:
    """The article without its failing sentences; None (hold it) if fewer than three
    paragraphs would be left.

    ``checks`` must be in article order, one per sentence of ``paragraphs``.
    """
    count = sum(len(p) for p in paragraphs)
    if count != len(checks):
        raise ValueError(f"{len(checks)} checks for {count} sentences: they must correspond.")
    kept: list[list[str]] = []
    i = 0
    for paragraph in paragraphs:
        survivors = []
        for sentence in paragraph:
            if checks[i].verdict == "supported":
                survivors.append(sentence)
            i += 1
        if survivors:
            kept.append(survivors)
    return kept if len(kept) >= MIN_PARAGRAPHS else None


def repair_from_evidence(
    paragraphs: list[list[str]], checks: Sequence[SentenceCheck]
) -> list[list[str]] | None:
    """Replace each failing sentence by the source passage it was checked against.

    The source's own words are the one rewrite that is supported by construction; a
    failing sentence without usable evidence (none found, or already in the article) is
    dropped. None (hold it) if fewer than three paragraphs would be left.
    """
    count = sum(len(p) for p in paragraphs)
    if count != len(checks):
        raise ValueError(f"{len(checks)} checks for {count} sentences: they must correspond.")
    used = {" ".join(c.text.split()) for c in checks if c.verdict == "supported"}
    kept: list[list[str]] = []
    i = 0
    for paragraph in paragraphs:
        survivors = []
        for sentence in paragraph:
            check = checks[i]
            i += 1
            if check.verdict == "supported":
                survivors.append(sentence)
                continue
            evidence = " ".join(check.evidence.split())
            if evidence and evidence not in used and not any(evidence in u for u in used):
                used.add(evidence)
                survivors.append(evidence)
        if survivors:
            kept.append(survivors)
    return kept if len(kept) >= MIN_PARAGRAPHS else None
