"""The front page's view: the ranked lead and top stories, topic sections, then the latest.

Pure: takes the build's entries and ranking, returns plain values for ``front.html``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from markupsafe import Markup

from retold.publish import dates, listings, ranking, urls
from retold.publish.listings import Entry, ListingPage
from retold.records import SiteInfo


@dataclass(frozen=True, slots=True)
class Story:
    href: str
    headline: str
    standfirst: str
    label: str
    iso: str
    human: str
    date_phrase: str
    outlets: int
    rank: int


@dataclass(frozen=True, slots=True)
class SectionView:
    title: str
    href: str
    stories: tuple[Story, ...]


@dataclass(frozen=True, slots=True)
class FrontView:
    lead: Story | None
    top: tuple[Story, ...]
    sections: tuple[SectionView, ...]
    latest: Markup  # the first page of the latest list, as every listing prints it
    weights: ranking.Weights
    ranking_href: str
    # Topic and outlet pages of at least head_from articles open with their head_size
    # most significant (see listings.ranked_head); the About note says so.
    head_size: int = listings.HEAD_SIZE
    head_from: int = listings.HEAD_FROM


def _story(site: SiteInfo, e: Entry, r: ranking.Ranked) -> Story:
    return Story(
        href=urls.href(site, urls.article_rel(e.slug)),
        headline=e.headline,
        standfirst=e.standfirst,
        label=e.label,
        iso=dates.iso(e.published),
        human=dates.human(e.published),
        date_phrase=dates.date_phrase(e.first_seen),
        outlets=r.outlets,
        rank=r.rank,
    )


def _topic_pairs(e: Entry) -> list[tuple[str, str]]:
    return [(urls.slugify(t), t.strip()) for t in e.topics if t.strip()]


def front_view(
    site: SiteInfo,
    entries: Sequence[Entry],
    ranked: Sequence[ranking.Ranked],
    front: ranking.FrontOptions,
    latest: ListingPage,
) -> FrontView:
    by_slug = {e.slug: e for e in entries}
    ranks = {r.slug: r for r in ranked}
    shape = ranking.plan(
        ranked,
        {e.slug: _topic_pairs(e) for e in entries},
        top=front.top,
        sections=front.sections,
        per_section=front.per_section,
    )

    def story(slug: str) -> Story:
        return _story(site, by_slug[slug], ranks[slug])

    return FrontView(
        lead=story(shape.lead) if shape.lead else None,
        top=tuple(story(s) for s in shape.top),
        sections=tuple(
            SectionView(
                s.topic[:1].upper() + s.topic[1:],
                urls.href(site, urls.topic_rel(s.slug)),
                tuple(story(x) for x in s.slugs),
            )
            for s in shape.sections
        ),
        latest=Markup(listings.entries_html(site, latest.items)),
        weights=front.weights,
        ranking_href=urls.href(site, "ranking.json"),
    )


def ranking_json(ranked: Sequence[ranking.Ranked], weights: ranking.Weights) -> bytes:
    """The published audit trail: the weights and every story's terms, in rank order."""
    reference = ranked[0].reference if ranked else None
    head = {
        "reference_time": dates.iso(reference) if reference else None,
        "weights": asdict(weights),
    }
    # One story a line: still easy to read and diff, and json's C encoder (an indented dump
    # runs its pure-Python one: 1.4 s of a 10,000-story site's build).
    stories = ",\n".join(json.dumps(r.as_dict(), ensure_ascii=False) for r in ranked)
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    return f'{opening}, "stories": [\n{stories}\n]}}\n'.encode()
