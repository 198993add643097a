"""Topic and outlet pages open with their own top stories, ranked like the front page."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import select

from retold.newsroom import Newsroom
from retold.publish import urls
from retold.publish.listings import HEAD_SIZE, Entry, ranked_head
from retold.publish.ranking import DEMOTE, PIN, Ranked
from retold.stages.publish import publish
from retold.stages.report import RunReport
from retold.store import frontpage as frontpage_store
from retold.store.schema import Article, Document
from tests.desk.seed import HARBOUR, HARBOUR_ARTICLE, WHEN, add_article

CHECKED = [HARBOUR_ARTICLE[0], HARBOUR_ARTICLE[2]]  # every sentence matches the source
PARTLY = [HARBOUR_ARTICLE[0], HARBOUR_ARTICLE[1]]  # one sentence the checker can't match
# (name, hours after WHEN, body): the newest story is only partly matched, so significance
# and recency disagree about which one leads.
STORIES = (
    ("newest-partly", 5, PARTLY),
    ("checked-4", 4, CHECKED),
    ("checked-3", 3, CHECKED),
    ("checked-2", 2, CHECKED),
    ("older-partly", 1, PARTLY),
    ("oldest", 0, CHECKED),
)
TOPIC = "topics/transport/"
OUTLET = "sources/harbour-example/"


def _seed(root: Path) -> None:
    Newsroom.init(root, title="Ranked News", base_url="https://news.example").close()
    with Newsroom.open(root) as room:
        for name, hours, body in STORIES:
            article_id = add_article(
                room, url=f"https://harbour.example/{name}", site_name="Harbour Times",
                title=name, text=HARBOUR, headline=f"Story {name}", paragraphs=body,
                topics=["Transport"], status="published",
            )  # fmt: skip
            with room.db.transaction() as session:
                article = session.get(Article, article_id)
                assert article is not None
                when = WHEN + timedelta(hours=hours)
                article.published_at = when
                for doc in session.scalars(
                    select(Document).where(Document.story_id == article.story_id)
                ):
                    doc.published = when
        add_article(
            room, url="https://harbour.example/library", site_name="Harbour Times",
            title="Library", text=HARBOUR, headline="A lone library story",
            paragraphs=CHECKED, topics=["Libraries"], status="published",
        )  # fmt: skip


def _build(root: Path) -> None:
    with Newsroom.open(root) as room:
        publish(room, RunReport())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ranked") / "news"
    _seed(root)
    _build(root)
    return root


def _doc(root: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(root / "site" / urls.file_for(rel))).getroot()


def _slugs(doc: lxml.html.HtmlElement, section: str) -> list[str]:
    hrefs = doc.xpath(f"//section[contains(@class, '{section}')]//h3/a/@href")
    return [h.strip("/").removesuffix(".html").rsplit("/", 1)[-1] for h in hrefs]


def _ranking(root: Path) -> list[str]:
    audit = json.loads((root / "site" / "ranking.json").read_text())
    return [s["slug"].rsplit("/", 1)[-1] for s in audit["stories"]]


def test_a_topic_page_leads_with_its_highest_ranked_stories(root: Path) -> None:
    doc = _doc(root, TOPIC)
    ranked = [s for s in _ranking(root) if s in {name for name, _, _ in STORIES}]
    top = _slugs(doc, "listing-top")
    assert top == ranked[:HEAD_SIZE]
    assert top[0] != "newest-partly"  # significance, not recency, picks the top story
    latest = _slugs(doc, "listing-latest")
    assert not set(top) & set(latest)  # each story appears once on the page
    order = [name for name, _, _ in STORIES]  # newest first
    assert latest == [s for s in order if s not in top]
    headings = [
        (h.tag, " ".join(h.text_content().split()))
        for h in doc.xpath("//main//*[self::h1 or self::h2 or self::h3]")
    ]
    intro = " ".join(doc.xpath("//p[@class='intro']")[0].text_content().split())
    assert (
        intro
        == "6 articles about Transport: the 3 most significant first, then the rest, latest first."
    )
    assert headings[0] == ("h1", "Transport")
    assert headings[1] == ("h2", "Top stories in Transport")
    assert headings[2 + HEAD_SIZE] == ("h2", "Latest in Transport")
    assert [tag for tag, _ in headings] == ["h1", "h2", *["h3"] * 3, "h2", *["h3"] * 3]


def test_an_outlet_page_ranks_too_and_a_short_topic_does_not(root: Path) -> None:
    doc = _doc(root, OUTLET)
    heading = doc.xpath("//section[contains(@class, 'listing-top')]/h2")[0].text_content()
    assert heading == "Top stories from Harbour Times"
    assert len(_slugs(doc, "listing-top")) == HEAD_SIZE
    assert doc.xpath("//section[contains(@class, 'listing-top')]//p[@class='taken']")
    short = _doc(root, "topics/libraries/")
    assert short.xpath("//section[contains(@class, 'listing-')]") == []
    assert [h.tag for h in short.xpath("//main//*[self::h1 or self::h2 or self::h3]")] == [
        "h1",
        "h2",
    ]
    about = " ".join(_doc(root, "").xpath("//aside[@class='about-page']")[0].text_content().split())
    assert (
        "Topic and outlet pages of 5 articles or more open with their 3 most significant" in about
    )
    assert len((root / "site" / "index.html").read_bytes()) <= 50_000


def test_a_pinned_story_leads_its_topic_and_a_demoted_one_never_does(root: Path) -> None:
    before = _slugs(_doc(root, TOPIC), "listing-top")
    with Newsroom.open(root) as room, room.db.transaction() as session:
        assert frontpage_store.set_placement(session, "2026/11/oldest", PIN)
        assert frontpage_store.set_placement(session, f"2026/11/{before[0]}", DEMOTE)
    _build(root)
    try:
        doc = _doc(root, TOPIC)
        top = _slugs(doc, "listing-top")
        assert top[0] == "oldest"
        assert before[0] not in top and before[0] in _slugs(doc, "listing-latest")
    finally:
        with Newsroom.open(root) as room, room.db.transaction() as session:
            frontpage_store.set_placement(session, "2026/11/oldest", None)
            frontpage_store.set_placement(session, f"2026/11/{before[0]}", None)


def _entry(slug: str) -> Entry:
    return Entry(slug, WHEN, WHEN, slug, "", "", (), (), "")


def _ranked(slug: str, rank: int, placement: str = "") -> Ranked:
    return Ranked(slug, rank, 1.0 / rank, 1, 0, 1.0, 0.0, 1.0, placement)


def test_ranked_head_follows_the_site_ranking_within_the_listing() -> None:
    entries = [_entry(s) for s in "abcdef"]
    ranked = [_ranked("x", 1), _ranked("e", 2), _ranked("b", 3, DEMOTE), _ranked("c", 4)]
    ranked += [_ranked("a", 5), _ranked("d", 6), _ranked("f", 7)]
    head = ranked_head(ranked)
    assert [e.slug for e in head(entries)] == ["e", "c", "a"]  # "b" is demoted: never there
    assert head(entries[:4]) == ()  # a short listing is read whole
