"""A story's timeline: its versions and corrections under the article, from a real store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import select

from retold.desk import actions
from retold.newsroom import Newsroom
from retold.publish import build_site, build_site_from
from retold.publish.timeline import body_change, entries, updates
from retold.records import ArticlePage, CorrectionNote, Draft, SourceLink, VersionRecord
from retold.stages.publish import article_pages, front_options, publish, stream_pages
from retold.stages.report import RunReport
from retold.store import articles as articles_store
from retold.store.schema import Article, Document, Story
from retold.verify.judges import judge_checks
from retold.verify.label import label_for
from tests.desk.seed import HARBOUR, HARBOUR_ARTICLE, WHEN, add_article
from tests.sites import site_digest

GAZETTE = SourceLink("https://gazette.example/bridge", "Bridge closes", "Harbour Gazette")
COURIER = SourceLink("https://courier.example/bridge", "Council sets date", "Northfield Courier")
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def version(n: int, hours: float, **kw: object) -> VersionRecord:
    base: dict[str, object] = {
        "headline": "Bridge to close",
        "standfirst": "Repairs start Monday.",
        "paragraphs": ("The bridge closes on Monday. Ferries will run.",),
        "sources": (GAZETTE,),
        "source_versions": ((GAZETTE.url, 1),),
        "topics": ("Transport",),
    }
    base.update(kw)
    return VersionRecord(n, T0 + timedelta(hours=hours), **base)  # type: ignore[arg-type]


# -- the pure change log ---------------------------------------------------------------


def test_a_single_version_has_no_updates() -> None:
    assert updates([version(1, 0)], T0) == []
    assert updates([], T0) == []


def test_each_update_says_what_changed_from_the_data() -> None:
    v1 = version(1, 0)
    v2 = version(
        2, 5,
        sources=(GAZETTE, COURIER),
        source_versions=((GAZETTE.url, 1), (COURIER.url, 1)),
        paragraphs=("The bridge closes on Monday. Ferries will run. The council set the date.",),
    )  # fmt: skip
    v3 = version(
        3, 9,
        sources=(GAZETTE, COURIER),
        source_versions=((GAZETTE.url, 1), (COURIER.url, 1)),
        headline="Bridge closes on Monday",
        paragraphs=("The bridge closes on 1 December. The council set the date.",),
        desk="edit",
        reason="the council confirmed the date",
    )  # fmt: skip
    got = updates([v3, v1, v2], T0)  # any order in, oldest first out
    assert [(u.version, u.when) for u in got] == [(2, v2.when), (3, v3.when)]
    assert got[0].text == "Updated with reporting from Northfield Courier; 1 sentence added."
    assert got[1].text == (
        "Edited by an editor; headline changed; 1 sentence changed, 1 removed. "
        "Editor's note: the council confirmed the date."
    )


def test_restores_revised_reports_dropped_sources_and_rewrites_read_plainly() -> None:
    v1 = version(1, 0)
    v2 = version(2, 1, headline="Wrong headline", desk="edit")
    v3 = version(3, 2, desk="")  # the desk's undo brought version 1's text back
    assert updates([v1, v2, v3], T0)[1].text == "Restored the text of 20 Nov 2026."
    v4 = version(4, 3, source_versions=((GAZETTE.url, 2),))
    assert updates([v1, v4], T0)[0].text == (
        "Checked again against the updated report from Harbour Gazette."
    )
    v5 = version(5, 4, sources=(), source_versions=(), desk="rewrite", reason="shorter please")
    line = updates([v1, v5], T0)[0].text
    assert line == (
        "Rewritten by the writer at an editor's request; no longer based on Harbour Gazette."
    )
    assert "shorter please" not in line  # a rewrite's brief is the writer's, not public
    same = updates([v1, version(2, 1)], T0)[0].text
    assert same == "Checked again; the text did not change."


def test_versions_before_the_publication_are_folded_into_it() -> None:
    # Edited on the desk before an editor approved it: nobody read version 1.
    v1, v2, v3 = version(1, 0), version(2, 1, headline="Better"), version(3, 30, headline="Later")
    got = updates([v1, v2, v3], T0 + timedelta(hours=2))
    assert [u.version for u in got] == [3]
    assert got[0].text == "Headline changed."


def test_body_change_counts_sentences() -> None:
    one, two, three = "The bridge closes.", "Ferries will run.", "Buses are free."
    assert body_change([f"{one} {two}"], [f"{one}  {two}"]) == ""  # spacing is no change
    assert body_change([one], [f"{one} {two}", three]) == "2 sentences added"
    assert body_change([f"{one} {two} {three}"], [f"{one} The tunnel opens."]) == (
        "1 sentence changed, 1 removed"
    )


def test_entries_put_corrections_in_time_order_after_the_publication() -> None:
    page = ArticlePage(
        slug="2026/11/x", headline="H", standfirst="S", teaser="T", label="L", paragraphs=[],
        sources=[], topics=[], published=T0, updated=T0,
        corrections=[CorrectionNote(T0 + timedelta(hours=2), "The vote was 7-2.")],
        updates=updates([version(1, 0), version(2, 1, headline="New"), version(3, 3)], T0),
    )  # fmt: skip
    kinds = [(e.kind, e.when) for e in entries(page)]
    assert [k for k, _ in kinds] == ["published", "updated", "correction", "updated"]
    assert [w for _, w in kinds] == sorted(w for _, w in kinds)
    assert entries(ArticlePage(**{**page.__dict__, "corrections": [], "updates": []})) == []


# -- a real store, built ---------------------------------------------------------------

COURIER_TEXT = (
    "The city council confirmed on Tuesday that the Harbour Bridge closes on Monday. "
    "A shuttle bus will cross the river every fifteen minutes, the council said."
)
UPDATED = WHEN + timedelta(days=1, hours=3)


def _check(room: Newsroom, article_id: int) -> None:
    """Check the current version for real and publish it (as the verify stage would)."""
    check = actions.rule_checker(lambda c: judge_checks(None, c))
    with room.db.transaction() as session:
        article = session.get(Article, article_id)
        assert article is not None
        current = articles_store.current_version(session, article)
        checks = check(list(current.paragraphs), actions.source_docs(session, current), {})
        articles_store.save_checks(session, current, checks)
        current.label = label_for(checks, backend="extractive", imagined=False)
        current.checked, article.status = True, "published"


def _seed(root: Path) -> dict[str, int]:
    Newsroom.init(root, title="Timeline News", base_url="https://news.example").close()
    with Newsroom.open(root) as room:
        ids = {
            "updated": add_article(
                room, url="https://harbour.example/bridge-closes", site_name="Harbour Times",
                title="Bridge to close", text=HARBOUR, headline="Harbour Bridge to close",
                paragraphs=[HARBOUR_ARTICLE[0], HARBOUR_ARTICLE[2]], topics=["Transport"],
            ),
            "single": add_article(
                room, url="https://harbour.example/ferries", site_name="Harbour Times",
                title="Ferries", text=HARBOUR, headline="Ferries every ten minutes",
                paragraphs=[HARBOUR_ARTICLE[2]], topics=["Transport"],
            ),
        }  # fmt: skip
        # The pipeline's update: the Northfield Courier joined the story with a new fact.
        with room.db.transaction() as session:
            article = session.get(Article, ids["updated"])
            assert article is not None
            story = session.get(Story, article.story_id)
            assert story is not None
            old = articles_store.current_version(session, article)
            doc = Document(
                url="https://courier.example/bridge-date", fetch_url="https://courier.example/x",
                status="ready", title="Council confirms the date", text=COURIER_TEXT,
                site_name="Northfield Courier", published=UPDATED, story_id=story.id,
            )  # fmt: skip
            session.add(doc)
            session.flush()
            new_source = {"document_id": doc.id, "version": 1, "url": doc.url,
                          "title": doc.title, "site_name": doc.site_name}  # fmt: skip
            draft = Draft(
                old.headline, old.standfirst,
                [*old.paragraphs, "A shuttle bus will cross the river every fifteen minutes."],
                old.teaser, topics=list(old.topics),
            )  # fmt: skip
            added = articles_store.add_version(
                session, story, draft, [*old.sources, new_source], UPDATED
            )
            added.created_at = UPDATED
        _check(room, ids["updated"])
        # An editor's edit with a reason, then a correction.
        check = actions.rule_checker(lambda c: judge_checks(None, c))
        with room.db.transaction() as session:
            article = session.get(Article, ids["updated"])
            assert article is not None
            current = articles_store.current_version(session, article)
            body = "\n\n".join(current.paragraphs)
            fields = {"headline": "Harbour Bridge closes on Monday", "body": body,
                      "standfirst": current.standfirst, "teaser": current.teaser}  # fmt: skip
            actions.edit(
                session, "kim", article.id, article.current_version, fields, check,
                reason="The council confirmed the date",
            )  # fmt: skip
        with room.db.transaction() as session:
            article = session.get(Article, ids["updated"])
            assert article is not None
            actions.correct(
                session, "kim", article.id, article.current_version, "The ferry runs hourly."
            )
    return ids


@pytest.fixture(scope="module")
def room_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("timeline") / "news"
    _seed(root)
    with Newsroom.open(root) as room:
        publish(room, RunReport())
    return root


def _slug(root: Path, article_id: int) -> str:
    with Newsroom.open(root) as room, room.db.transaction() as session:
        slug = session.scalar(select(Article.slug).where(Article.id == article_id))
    assert slug
    return slug


def _page(root: Path, slug: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(root / "site" / slug / "index.html")).getroot()


def _lines(doc: lxml.html.HtmlElement) -> list[str]:
    return [
        " ".join(li.text_content().split())
        for li in doc.xpath("//section[@class='timeline']/ol/li")
    ]


def test_an_updated_article_shows_its_timeline(room_root: Path) -> None:
    doc = _page(room_root, "2026/11/bridge-closes")
    lines = _lines(doc)
    assert lines[0] == "20 Nov 2026: Published."
    assert lines[1] == (
        "21 Nov 2026, 11:00 UTC: Updated with reporting from Northfield Courier; 1 sentence added."
    )
    assert lines[2].endswith(
        "UTC: Edited by an editor; headline changed. Editor's note: The council confirmed the date."
    )
    assert lines[3].endswith("UTC: Correction: The ferry runs hourly.")
    assert len(lines) == 4
    times = doc.xpath("//section[@class='timeline']/ol/li/time/@datetime")
    assert len(times) == 4 and times[1] == "2026-11-21T11:00:00+00:00"
    assert times == sorted(times)
    # The headings stay in order: the timeline is an h2 under the article's h1.
    headings = [h.tag for h in doc.xpath("//main//h1 | //main//h2 | //main//h3")]
    assert headings[0] == "h1" and "Timeline" in [h.text_content() for h in doc.xpath("//main//h2")]
    # JSON-LD: the last change is the modification date; corrections keep their property.
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["dateModified"] == times[2]
    assert [c["text"] for c in data["correction"]] == ["The ferry runs hourly."]
    feed = (room_root / "site" / "feed.xml").read_text()
    assert "Updated with reporting from Northfield Courier; 1 sentence added." in feed


def test_an_article_never_updated_has_no_timeline(room_root: Path) -> None:
    doc = _page(room_root, "2026/11/ferries")
    assert doc.xpath("//section[@class='timeline']") == []
    assert doc.xpath("//p[@class='meta']/time/@datetime") == ["2026-11-20T08:00:00+00:00"]


def test_two_builds_of_the_same_store_are_identical(room_root: Path, tmp_path: Path) -> None:
    with Newsroom.open(room_root) as room:
        site = room.site_info()
        with room.db.transaction() as session:
            pages = article_pages(session)
            front = front_options(room, session)
        build_site(site, pages, tmp_path / "a", front=front)
        # Streamed one article at a time: the batched history reads give the same pages.
        build_site_from(site, lambda: stream_pages(room, batch=1), tmp_path / "b", front)
    assert site_digest(tmp_path / "a") == site_digest(tmp_path / "b")
    assert site_digest(room_root / "site") == site_digest(tmp_path / "a")
