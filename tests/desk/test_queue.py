"""The queue: held and flagged articles newest first, filters with counts, both query paths."""

from __future__ import annotations

import re
from pathlib import Path

from retold.desk import queue
from retold.newsroom import Newsroom
from tests.desk.seed import HARBOUR, HARBOUR_ARTICLE, add_article, seed


def _load(root: Path, **filters: str) -> queue.Queue:
    with Newsroom.open(root) as room, room.db.transaction() as session:
        return queue.load(session, queue.Filters.parse(filters))


def test_queue_filters_and_counts(tmp_path: Path) -> None:
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
