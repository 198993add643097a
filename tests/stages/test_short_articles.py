"""A page that is only a table is never published, and never called imagined."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from retold.records import Draft
from retold.stages.report import RunReport
from retold.stages.verify import verify_articles
from retold.store import articles as articles_store
from retold.store.schema import Article, utcnow
from retold.verify.label import SEED_LABEL
from tests.stages.conftest import Ran, Store, rows


def test_a_table_only_page_is_skipped_with_its_reason(ran: Ran) -> None:
    url = f"{ran.base}/table.html"
    [(doc_status, story_id)] = rows(
        ran.root, "SELECT status, story_id FROM documents WHERE url = :url", url=url
    )
    [(status, note)] = rows(
        ran.root, "SELECT status, note FROM stories WHERE id = :id", id=story_id
    )
    [(articles,)] = rows(
        ran.root, "SELECT count(*) FROM articles WHERE story_id = :id", id=story_id
    )
    labels = [label for (label,) in rows(ran.root, "SELECT label FROM article_versions")]
    assert doc_status == "ready"  # extracted fine: it is the article that would be empty
    assert (status, articles) == ("skipped", 0)
    assert note.startswith("Too little to retell: the article would have 0 sentences")
    assert ran.report.counts["stories_skipped_short"] == 1
    assert ran.report.status == "ok"  # skipped, not failed
    assert SEED_LABEL not in labels  # imagine mode is off: nothing is labelled imagined
    assert "League table" not in (ran.root / "site" / "index.html").read_text(encoding="utf-8")


def test_retold_status_shows_why(ran: Ran) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "retold", "--dir", str(ran.root), "status", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["counts"]["stories_skipped"] == 1
    problems = " ".join(status["runs"][0]["problems"])
    assert "Too little to retell" in problems


@pytest.mark.parametrize(
    ("paragraphs", "imagined", "problem"),
    [
        (["One sentence only. And a second one."], False, "only 2 sentences of body"),
        ([], True, "only 0 sentences of body"),  # even imagine mode never publishes nothing
    ],
)
def test_a_near_empty_draft_is_held_unlabelled_not_published(
    tmp_path: Path, paragraphs: list[str], imagined: bool, problem: str, store: Store
) -> None:
    # A draft stored before the write stage skipped short ones, or from a plugin writer.
    room = store.init(tmp_path / "news")
    try:
        with room.db.transaction() as session:
            story = articles_store.new_story(session, {})
            draft = Draft(
                headline="League table",
                standfirst="",
                paragraphs=paragraphs,
                teaser="",
                imagined=imagined,
            )
            articles_store.add_version(session, story, draft, [], utcnow())
            story.status, story.needs_write = "written", False
        report = RunReport()
        verify_articles(room, report)
        with room.db.transaction() as session:
            article = session.scalars(select(Article)).one()
            version = articles_store.current_version(session, article)
            assert (article.status, version.label) == ("held", "")
        assert report.counts["articles_held"] == 1
        assert report.counts.get("articles_published", 0) == 0
        assert problem in report.problems[0]
    finally:
        room.close()
