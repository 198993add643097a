"""The extractive standfirst: the lead's most central sentence, shortened only by whole clauses."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from retold.newsroom import Newsroom
from retold.records import SourceDoc
from retold.store.schema import Article, ArticleVersion, SentenceCheckRow
from retold.write.backend import WriteBrief
from retold.write.extractive import write_extractive
from retold.write.standfirst import compress
from tests.frontpage.conftest import Room
from tests.write.conftest import load_sample
from tests.write.test_extractive import FULL


def words_in_order(short: str, long: str) -> bool:
    """Every word of ``short`` stands in ``long``, in the same order (punctuation aside)."""
    rest = iter(w.strip(",.") for w in long.split())
    return all(any(w.strip(",.") == x for x in rest) for w in short.split())


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Harrowmere Athletic sacked their manager Dario Mendel on Friday night, less than two "
            "hours after a 3-0 home defeat by Port Selby left the club second from bottom of the "
            "First Division.",
            "Harrowmere Athletic sacked their manager Dario Mendel on Friday night.",
        ),
        (
            "The Old Harbour Bridge, the arched crossing that has carried traffic over "
            "Harrowmere's inner harbour since 1931, will close to all vehicles, cyclists and "
            "pedestrians on Monday 23 November for six weeks of emergency repairs, the city "
            "council announced on Tuesday evening.",
            # the aside goes first; still too long, so the attribution goes too
            "The Old Harbour Bridge will close to all vehicles, cyclists and pedestrians on Monday "
            "23 November for six weeks of emergency repairs.",
        ),
        (
            "Northfield Rovers are going to the Valley Cup final for the first time in nineteen "
            "years after substitute Daniel Okafor headed a stoppage-time winner to beat "
            "Harrowmere Athletic 2-1 at a packed Millfield Park on Sunday.",
            "Northfield Rovers are going to the Valley Cup final for the first time in nineteen "
            "years.",
        ),
    ],
)
def test_compress_drops_whole_clauses_and_changes_no_word(sentence: str, expected: str) -> None:
    out = compress(sentence, 160)
    assert out == expected
    assert words_in_order(out, sentence)


def test_a_short_sentence_is_kept_whole_and_a_quotation_is_never_cut() -> None:
    assert compress("The council approved the budget on Tuesday evening.", 160) == (
        "The council approved the budget on Tuesday evening."
    )
    quoted = (
        "“We will rebuild the pier, which has stood since 1890, and we will do it this year, "
        "whatever the cost turns out to be in the end,” the mayor of Harrowmere told reporters."
    )
    out = compress(quoted, 100)
    assert out is None or "“" not in out or out.count("“") == out.count("”")


@pytest.mark.parametrize("rel", FULL)
def test_every_sample_standfirst_comes_from_a_lead_and_keeps_its_words(rel: str) -> None:
    doc = load_sample(rel)
    draft = write_extractive([doc], WriteBrief())
    assert 0 < len(draft.standfirst) <= 160
    assert "…" not in draft.standfirst  # never cut mid-phrase
    lead = [p for p in doc.text.split("\n\n") if len(p.split()) > 6][:3]
    assert any(words_in_order(draft.standfirst, p) for p in lead), draft.standfirst


def test_the_standfirst_says_what_happened_not_a_stray_body_sentence() -> None:
    draft = write_extractive([load_sample("northfield-courier/rovers-cup-final.md")], WriteBrief())
    assert draft.standfirst == (
        "Northfield Rovers are going to the Valley Cup final for the first time in nineteen years."
    )
    wire = load_sample("metro-wire/orchard-frost-losses.md")
    reprint = SourceDoc(2, "http://127.0.0.1/gazette/frost", wire.title, wire.text, "Gazette")
    both = write_extractive([wire, reprint], WriteBrief())
    assert not both.standfirst.startswith("NORTHFIELD")  # no wire dateline


def test_the_standfirst_is_checked_like_the_body(sample_room: Room) -> None:
    with Newsroom.open(sample_room.root) as room, room.db.transaction() as session:
        rows = session.execute(
            select(ArticleVersion.standfirst, SentenceCheckRow.text, SentenceCheckRow.verdict)
            .join(Article, Article.id == ArticleVersion.article_id)
            .join(SentenceCheckRow, SentenceCheckRow.article_version_id == ArticleVersion.id)
            .where(Article.status == "published", SentenceCheckRow.paragraph == -2)
        ).all()
        published = session.scalar(
            select(func.count()).select_from(Article).where(Article.status == "published")
        )
    assert published and len(rows) >= published - 2  # every standfirst (a few have none)
    for standfirst, text, _ in rows:
        assert text in standfirst
    # A whole source sentence is a copy and supported by construction. One shortened by
    # dropping a clause is judged by the checker's rules, which still doubt a few of them
    # (a name moved next to a new verb): those show on the desk like any failing sentence.
    supported = sum(verdict == "supported" for _, _, verdict in rows)
    assert supported >= 0.8 * len(rows)


def test_the_last_items_of_a_list_are_not_a_clause() -> None:
    sentence = (
        "The National Health Inspectorate found that 21% of emergency patients waited more than "
        "six hours to be admitted, transferred or sent home, the highest share in the country."
    )
    out = compress(sentence, 150)
    assert out is not None and out.endswith("admitted, transferred or sent home.")
