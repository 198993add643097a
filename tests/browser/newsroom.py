"""A small hand-made newsroom for the browser tests: eight checked articles, all related.

The lead article has every kind of sentence the page can show (matched, not in source,
contradicted, unchecked), two sources, seven related articles and a headline full of
characters that must be percent-encoded in share links.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from retold.records import ArticlePage, RelatedLink, SiteInfo, SourceLink
from tests.publish.conftest import check

SITE = SiteInfo(
    title="Harbour Retold",
    base_url="https://news.example.org",
    description="Local news, retold and checked.",
    per_page=3,
)
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
GAZETTE = "https://gazette.example/bridge"
PORT_NEWS = "https://www.portnews.example/ferries?id=7"


# (slug, headline, teaser, topic): the seven articles related to the lead one
_OTHERS = [
    ("2026/11/ferry-timetable", "Ferry timetable changes", "An AI dreams of ferries.", "Transport"),
    ("2026/11/council-budget", "Council agrees budget", "An AI counts coins.", "Politics"),
    ("2026/11/bus-lanes", "New bus lanes on the quay", "An AI ponders lines.", "Transport"),
    ("2026/11/market-moves", "Fish market moves indoors", "An AI smells change.", "Business"),
    ("2026/11/school-run", "Walking bus for the school run", "An AI counts feet.", "Transport"),
    ("2026/11/harbour-lights", "Harbour lights go LED", "An AI sees the light.", "Harbour"),
    ("2026/10/tide-gauge", "Tide gauge records a high", "An AI wonders about cars.", "Harbour"),
]

LEAD = ArticlePage(
    slug="2026/11/harbour-bridge-closes",
    headline='Bridge shuts for 18 months & ferries go "free"? Café owners worry',
    standfirst="The crossing closes to all traffic from Monday while engineers rebuild it.",
    teaser="An AI wonders how the ferries will cope.",
    label=(
        "I retold this from 2 original sources. 4 of 6 sentences match them; "
        "the ones I couldn't match are marked."
    ),
    paragraphs=[
        [
            (
                "The harbour bridge will close on Monday.",
                check(
                    "supported", "The bridge will close to all traffic on Monday, the council said."
                ),
            ),
            (
                "Repairs will take eighteen months.",
                check("supported", "Engineers expect the repairs to take eighteen months."),
            ),
        ],
        [
            ("Ferries will be free for everyone.", check("unsupported")),
            (
                "The ferry operator will add two sailings an hour.",
                check("supported", "Two extra sailings an hour will run.", PORT_NEWS),
            ),
        ],
        [
            (
                "The operator blamed the council for the delay.",
                check(
                    "contradicted",
                    "The operator said the timetable change was planned long before the closure.",
                    PORT_NEWS,
                ),
            ),
            (
                "Café owners on the quay fear a quiet winter.",
                check("supported", "Cafés on the quay expect fewer customers this winter."),
            ),
            ("Residents were told by letter.", None),
        ],
    ],
    sources=[
        SourceLink(GAZETTE, "Bridge to close for 18 months", "Harbour Gazette"),
        SourceLink(PORT_NEWS, "Ferry firm adds sailings", "Port News"),
    ],
    topics=["Transport", "Harbour"],
    published=NOW,
    updated=NOW + timedelta(hours=2),
    related=[RelatedLink(slug, headline, teaser) for slug, headline, teaser, _ in _OTHERS],
)


def _other(index: int, slug: str, headline: str, teaser: str, topic: str) -> ArticlePage:
    url = f"https://gazette.example/{slug.rsplit('/', 1)[-1]}"
    return ArticlePage(
        slug=slug,
        headline=headline,
        standfirst=f"{headline}, in brief.",
        teaser=teaser,
        label="I retold this from the original source. All 1 sentences match it.",
        paragraphs=[[(f"{headline}, the gazette reports.", check("supported", headline, url))]],
        sources=[SourceLink(url, headline, "Harbour Gazette")],
        topics=[topic],
        published=NOW - timedelta(hours=6 * (index + 1)),
        updated=NOW - timedelta(hours=6 * (index + 1)),
        related=[RelatedLink(LEAD.slug, LEAD.headline, LEAD.teaser)],
    )


PAGES = [LEAD] + [_other(i, *row) for i, row in enumerate(_OTHERS)]
