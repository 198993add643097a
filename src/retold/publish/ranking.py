"""Significance ranking: which stories the front page puts first, and why.

Pure functions over plain values, so a ranking can be recomputed and audited from what a
build stored. A story's score is

    (outlets · log2(1 + independent outlets)
     + growth · log2(1 + outlets that joined in the last ``growth_hours``)
     + confidence · share of its sentences the checker matched)
    · 0.5 ^ (age in hours / half_life_hours)

then an editor's pin adds ``pin_boost`` and a demotion multiplies by ``demote_factor``.

"Now" is the newest article's date, not the clock: the same newsroom ranks the same way
on every rebuild (and on every store), and exponential decay keeps the relative order of
two stories whatever their common age.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from retold.publish import dates, urls
from retold.publish.coverage import Report
from retold.records import ArticlePage

if TYPE_CHECKING:
    from retold.daily.compose import DigestItem

PIN = "pin"
DEMOTE = "demote"


@dataclass(frozen=True, slots=True)
class Weights:
    """The knobs of the score; ``[ranking]`` in retold.toml sets them (see config.py)."""

    outlets: float = 1.0
    growth: float = 0.5
    confidence: float = 1.0
    half_life_hours: float = 24.0
    growth_hours: float = 12.0
    pin_boost: float = 100.0
    demote_factor: float = 0.1


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """What the store knows about a story beyond its page: who covered it, when, placement.

    ``outlet_times`` holds one time per independent outlet (wire copies already merged):
    when that outlet first reported the story.
    """

    outlet_times: tuple[datetime, ...] = ()
    placement: str = ""  # "", PIN or DEMOTE
    # Each document of a story told by two outlets or more (for the coverage box)
    reports: tuple[Report, ...] = ()


@dataclass(frozen=True, slots=True)
class Signals:
    slug: str
    published: datetime  # UTC
    outlet_times: tuple[datetime, ...]
    confidence: float  # 0..1
    placement: str = ""


@dataclass(frozen=True, slots=True)
class Ranked:
    """One story's place and every term of its score (stored per build for auditing)."""

    slug: str
    rank: int  # 1 = lead
    score: float
    outlets: int
    recent_outlets: int
    confidence: float
    age_hours: float
    decay: float
    placement: str = ""
    reference: datetime | None = None  # the ranking's "now" (see reference_time)

    def as_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "rank": self.rank,
            "score": round(self.score, 6),
            "outlets": self.outlets,
            "recent_outlets": self.recent_outlets,
            "confidence": round(self.confidence, 4),
            "age_hours": round(self.age_hours, 3),
            "decay": round(self.decay, 6),
            "placement": self.placement,
        }


@dataclass(frozen=True, slots=True)
class FrontOptions:
    """What a build needs to rank: weights, the front page's shape, the store's facts."""

    weights: Weights = field(default_factory=Weights)
    facts: Mapping[str, StoryFacts] = field(default_factory=dict)  # by article slug
    top: int = 6
    sections: int = 6
    per_section: int = 3
    search: bool = False  # build the Pagefind index and the search page with the site
    # Stored daily digests, newest first: (yyyy-mm-dd, its items) for pages and feeds
    digests: tuple[tuple[str, tuple[DigestItem, ...]], ...] = ()


def signals(page: ArticlePage, facts: StoryFacts | None) -> Signals:
    """A page's ranking inputs; without the store's facts, each named outlet counts once
    from the article's own date (no wire detection, no growth)."""
    published = dates.as_utc(page.published)
    if facts is not None and facts.outlet_times:
        times = tuple(dates.as_utc(t) for t in facts.outlet_times)
    else:
        outlets = {(s.site_name.strip().lower() or urls.host_of(s.url)) for s in page.sources}
        times = tuple(published for _ in outlets)
    return Signals(
        slug=page.slug,
        published=published,
        outlet_times=times,
        confidence=confidence(page),
        placement=facts.placement if facts is not None else "",
    )


def confidence(page: ArticlePage) -> float:
    """Share of the body's sentences the checker matched; an editor's review counts as all.

    An unchecked article (seed label) scores 0: the front page should not lead with what
    nobody could verify.
    """
    if page.reviewed_on is not None:
        return 1.0
    verdicts = [check.verdict for para in page.paragraphs for _, check in para if check is not None]
    if not verdicts:
        return 0.0
    return verdicts.count("supported") / len(verdicts)


def reference_time(signals: Iterable[Signals]) -> datetime | None:
    """The ranking's "now": the newest article or coverage on the site."""
    times = [t for s in signals for t in (s.published, *s.outlet_times)]
    return max(times) if times else None


def score(signal: Signals, weights: Weights, now: datetime) -> Ranked:
    outlets = max(1, len(signal.outlet_times))  # a published story has at least its own
    window = timedelta(hours=weights.growth_hours)
    recent = sum(1 for t in signal.outlet_times if now - t <= window)
    age = max(0.0, (now - signal.published).total_seconds() / 3600)
    decay = 0.5 ** (age / weights.half_life_hours) if weights.half_life_hours > 0 else 1.0
    base = (
        weights.outlets * math.log2(1 + outlets)
        + weights.growth * math.log2(1 + recent)
        + weights.confidence * signal.confidence
    )
    value = base * decay
    if signal.placement == PIN:
        value += weights.pin_boost
    elif signal.placement == DEMOTE:
        value *= weights.demote_factor
    return Ranked(
        slug=signal.slug,
        rank=0,
        score=value,
        outlets=outlets,
        recent_outlets=recent,
        confidence=signal.confidence,
        age_hours=age,
        decay=decay,
        placement=signal.placement,
        reference=now,
    )


def rank(signals: Sequence[Signals], weights: Weights) -> list[Ranked]:
    """Every story, most significant first (ties: newer first, then by slug)."""
    now = reference_time(signals)
    if now is None:
        return []
    by_slug = {s.slug: s for s in signals}
    scored = [score(s, weights, now) for s in signals]
    scored.sort(key=lambda r: (-r.score, -by_slug[r.slug].published.timestamp(), r.slug))
    return [_with_rank(r, i + 1) for i, r in enumerate(scored)]


def _with_rank(r: Ranked, number: int) -> Ranked:
    return Ranked(
        r.slug,
        number,
        r.score,
        r.outlets,
        r.recent_outlets,
        r.confidence,
        r.age_hours,
        r.decay,
        r.placement,
        r.reference,
    )


# -- the front page's shape -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    topic: str  # display name
    slug: str  # topic slug
    slugs: tuple[str, ...]  # article slugs, most significant first


@dataclass(frozen=True, slots=True)
class FrontPlan:
    lead: str  # article slug ("" on an empty site)
    top: tuple[str, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)


def plan(
    ranked: Sequence[Ranked],
    topics: Mapping[str, Sequence[tuple[str, str]]],
    *,
    top: int = 6,
    sections: int = 6,
    per_section: int = 3,
) -> FrontPlan:
    """Lead, top stories, then sections per topic (each story shown once above the latest).

    ``topics`` maps an article slug to its (topic slug, topic name) pairs. Sections come in
    the order of their best story; a topic with nothing left to show gets none.
    """
    order = [r.slug for r in ranked if r.placement != DEMOTE] + [
        r.slug for r in ranked if r.placement == DEMOTE
    ]
    if not order:
        return FrontPlan("", ())
    lead, tops = order[0], tuple(order[1 : 1 + top])
    shown = {lead, *tops}
    grouped: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for slug in order:
        if slug in shown:
            continue
        for topic_slug, name in topics.get(slug, ()):
            names.setdefault(topic_slug, name)
            grouped.setdefault(topic_slug, [])
            if len(grouped[topic_slug]) < per_section and slug not in shown:
                grouped[topic_slug].append(slug)
                shown.add(slug)  # a story appears in one section only
                break
    chosen = [t for t in grouped if grouped[t]][:sections]
    return FrontPlan(lead, tops, tuple(Section(names[t], t, tuple(grouped[t])) for t in chosen))
