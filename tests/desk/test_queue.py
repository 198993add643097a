"""The queue: held and flagged articles newest first, filters with counts, both query paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retold.desk import queue
from retold.newsroom import Newsroom
from tests.desk.seed import HARBOUR, HARBOUR_ARTICLE, add_article, seed


def _load(root: Path, **filters: str) -> queue.Queue:
    with Newsroom.open(root) as room, room.db.transaction() as session:
        return queue.load(session, queue.Filters.parse(filters))


def test_queue_filters_and_counts(
    tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same on SQLite and PostgreSQL (the JSON columns are matched as text on both).
    monkeypatch.setenv("RETOLD_STORE_URL", store_url)
    root = tmp_path / "news"
    ids = seed(root)
    with Newsroom.open(root) as room:  # a published article with an unmatched sentence
        flagged = add_article(
            room, url="https://other.example/bridge", site_name="Other Post", title="Bridge",
            text=HARBOUR, headline="Bridge shuts", paragraphs=HARBOUR_ARTICLE[:2],
            topics=["Roads"], status="published",
        )  # fmt: skip
    q = _load(root)
    assert [r.id for r in q.rows] == [flagged, ids["hostile"], ids["held"]]  # newest first
    assert q.statuses["queue"] == 3 and q.statuses["held"] == 2 and q.statuses["flagged"] == 1
    assert q.statuses["published"] == 2 and q.statuses["all"] == 4
    assert dict(q.sources) == {"Harbour Times": 1, 'Evil <b>"Gazette"</b>': 1, "Other Post": 1}
    assert dict(q.topics) == {"Transport": 1, "Libraries": 1, "Roads": 1}
    assert q.verdicts == {"unsupported": 2, "contradicted": 0, "supported": 3}
    assert [r.id for r in _load(root, source="Other Post").rows] == [flagged]
    assert [r.id for r in _load(root, topic="Transport").rows] == [ids["held"]]
    assert {r.id for r in _load(root, verdict="unsupported").rows} == {flagged, ids["held"]}
    assert [r.id for r in _load(root, status="flagged").rows] == [flagged]
    assert _load(root, status="flagged").rows[0].flagged == 1
    # The SQL path (any status, the whole newsroom) filters the same way.
    everything = _load(root, status="all")
    assert everything.total == 4 and dict(everything.sources)["Harbour Times"] == 2
    assert {r.id for r in _load(root, status="all", source="Harbour Times").rows} == {
        ids["held"],
        ids["published"],
    }
    assert [r.id for r in _load(root, status="all", topic="Roads").rows] == [flagged]
    hostile = _load(root, status="all", source='Evil <b>"Gazette"</b>')
    assert [r.id for r in hostile.rows] == [ids["hostile"]]
    assert _load(root, status="nonsense").filters.status == "queue"


def test_the_queue_page_links_filters(tmp_path: Path) -> None:
    from retold.desk.app import make_app
    from tests.desk.conftest import Browser, add_users, serve

    root = tmp_path / "news"
    seed(root)
    add_users(root)
    room = Newsroom.open(root)
    try:
        for url in serve(make_app(room)):
            b = Browser(url)
            b.login()
            page = b.get("/desk/?topic=Transport").text
            assert re.search(r'<option value="Transport" selected>Transport \(1\)</option>', page)
            assert "Harbour Bridge to close" in page and "Library" not in page
            assert '<a href="/desk/?status=held&amp;topic=Transport&amp;page=1"' in page
    finally:
        room.close()


def test_actions_on_either_store(
    tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retold.desk import actions
    from retold.desk.public import corrections_by_article
    from retold.verify.judges import judge_checks

    monkeypatch.setenv("RETOLD_STORE_URL", store_url)
    root = tmp_path / "news"
    ids = seed(root)
    check = actions.rule_checker(lambda c: judge_checks(None, c))
    held, published = ids["held"], ids["published"]
    with Newsroom.open(root) as room:
        with room.db.transaction() as session:
            approved = actions.approve(session, "ed", held, 1)
        fields = {"headline": "H", "standfirst": "S", "teaser": "T", "body": HARBOUR_ARTICLE[0]}
        with room.db.transaction() as session:
            edited = actions.edit(session, "ed", held, 1, fields, check)
        with pytest.raises(actions.Conflict), room.db.transaction() as session:
            actions.edit(session, "ed", held, 1, {**fields, "headline": "Again"}, check)
        with pytest.raises(actions.Conflict), room.db.transaction() as session:
            actions.undo(session, "ed", approved.id)  # the edit came after it
        with room.db.transaction() as session:
            actions.undo(session, "ed", edited.id)
            actions.correct(session, "ed", published, 1, "A correction.")
        with room.db.transaction() as session:
            notes = corrections_by_article(session)
            assert [n.note for n in notes[published]] == ["A correction."]
            assert queue.load(session, queue.Filters(status="published")).total == 2
