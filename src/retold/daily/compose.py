"""What a digest says: the top stories of the ranking, each in two checked sentences.

Pure functions over plain values; the command gathers them from the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from retold.records import SentenceCheck


@dataclass(frozen=True, slots=True)
class DigestItem:
    slug: str
    headline: str
    url: str  # absolute
    label: str
    summary: tuple[str, ...]  # two sentences, both matched to the sources where possible
    outlets: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "summary": list(self.summary)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DigestItem:
        return cls(
            slug=data["slug"],
            headline=data["headline"],
            url=data["url"],
            label=data["label"],
            summary=tuple(data["summary"]),
            outlets=int(data.get("outlets", 1)),
        )


def summary(
    standfirst: str,
    sentences: Sequence[tuple[str, SentenceCheck | None]],
    standfirst_check: SentenceCheck | None = None,
    size: int = 2,
) -> tuple[str, ...]:
    """The standfirst and the body's first sentences, matched ones first.

    A sentence the checker could not match never goes into an email that a reader can't
    expand to see the evidence; an unchecked article (seed label) gives its standfirst and
    first sentence, and the item carries its label.
    """
    chosen: list[str] = []
    ok_standfirst = standfirst_check is None or standfirst_check.verdict == "supported"
    if standfirst.strip() and ok_standfirst:
        chosen.append(standfirst.strip())
    checked = any(check is not None for _, check in sentences)
    for text, check in sentences:
        if len(chosen) >= size:
            break
        if checked and (check is None or check.verdict != "supported"):
            continue
        if text.strip() and text.strip() not in chosen and text.strip() not in standfirst:
            chosen.append(text.strip())
    return tuple(chosen[:size])
