"""Hand-made articles and a site built from them into a temporary directory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retold.publish import BuildReport, build_site
from retold.records import ArticlePage, RelatedLink, SentenceCheck, SiteInfo, SourceLink

SEED_LABEL = "I imagined this. I have no way to verify it's accurate."
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def check(
    verdict: str, evidence: str = "", url: str = "https://gazette.example/bridge"
) -> SentenceCheck:
    return SentenceCheck(
        paragraph=0,
        text="",
        verdict=verdict,
        score=0.9 if verdict == "supported" else 0.1,
        evidence=evidence,
        source_url=url,
    )


BRIDGE = ArticlePage(
    slug="2026/11/harbour-bridge-closes",
    headline='Harbour bridge closes for repairs & "renewal"',
    standfirst="The crossing shuts for eighteen months from Monday.",
    teaser="An AI wonders how the ferries will cope.",
    label=(
        "I retold this from the original source. 2 of 3 sentences match it; "
        "the one I couldn't match is marked."
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
            ("Ferries will be free for everyone.", check("unsupported", "")),
            ("Residents were told by letter.", None),
        ],
    ],
    sources=[
        SourceLink(
            "https://gazette.example/bridge", "Bridge to close for 18 months", "Harbour Gazette"
        )
    ],
    topics=["Transport", "Harbour"],
    published=NOW,
    updated=NOW + timedelta(hours=2),
    related=[
        RelatedLink(
            "2026/11/ferry-timetable",
            "Ferry timetable changes",
            "An AI wonders if future cars will need passports.",
        ),
        RelatedLink(
            "2026/10/council-budget", "Council agrees budget", "An AI counts the council's coins."
        ),
        RelatedLink("2026/11/held-story", "A held story", "Never shown."),
    ],
    image="https://gazette.example/bridge.jpg",
)

FERRY = ArticlePage(
    slug="2026/11/ferry-timetable",
    headline="Ferry timetable changes",
    standfirst="More sailings at peak times.",
    teaser="An AI wonders if future cars will need passports.",
    label="I retold this from 2 original sources. All 2 sentences match them.",
    paragraphs=[
        [
            (
                "Two extra sailings start next week.",
                check(
                    "supported",
                    "Two extra sailings will run from next week.",
                    "https://gazette.example/ferry",
                ),
            ),
            (
                "The operator blamed the bridge closure.",
                check(
                    "contradicted",
                    "The operator said the change was planned before the closure.",
                    "https://www.portnews.example/ferries",
                ),
            ),
        ]
    ],
    sources=[
        SourceLink("https://gazette.example/ferry", "Ferries add sailings", "Harbour Gazette"),
        SourceLink("https://www.portnews.example/ferries", "Ferry firm expands", "Port News"),
    ],
    topics=["Transport"],
    published=NOW - timedelta(hours=5),
    updated=NOW - timedelta(hours=5),
    related=[RelatedLink(BRIDGE.slug, BRIDGE.headline, BRIDGE.teaser)],
)

BUDGET = ArticlePage(
    slug="2026/10/council-budget",
    headline="Council agrees budget",
    standfirst="Spending rises by 3 percent.",
    teaser="An AI counts the council's coins.",
    label=SEED_LABEL,
    paragraphs=[[("The council agreed its budget.", None)]],
    sources=[SourceLink("https://gazette.example/budget", "Budget agreed", "Harbour Gazette")],
    topics=["Politics"],
    published=datetime(2026, 10, 30, 18, 0),  # naive: taken as UTC
    updated=datetime(2026, 10, 30, 18, 0),
)

HELD = replace(BUDGET, slug="2026/11/held-story", headline="A held story", held=True, published=NOW)

SITE = SiteInfo(
    title="Harbour Retold",
    base_url="https://news.example.org",
    description="Local news, retold and checked.",
    per_page=2,
)


@pytest.fixture
def site() -> SiteInfo:
    return SITE


@pytest.fixture
def pages() -> list[ArticlePage]:
    return [BRIDGE, FERRY, BUDGET, HELD]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "site"


@pytest.fixture
def built(site: SiteInfo, pages: list[ArticlePage], out: Path) -> BuildReport:
    return build_site(site, pages, out)
