"""A story or article that fails or crashes every time is quarantined, never a blockade.

Real newsrooms (on SQLite, then on PostgreSQL; the loopback publisher of pages.py) with a
fault armed for the ferry story only (see faults.py): an exception, or a SIGKILL that ends
the process the way a segfault or the out-of-memory killer does.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from retold.newsroom import Newsroom
from retold.pipeline import last_runs, run
from retold.records import Draft, SourceDoc
from retold.samples_server import SampleServer
from retold.store.articles import MAX_ATTEMPTS
from retold.write.backend import WriteBrief
from tests.stages.conftest import Store, newsroom, rows
from tests.stages.faults import MESSAGE, TARGET, FaultyWriter, run_with_fault

REPO = Path(__file__).resolve().parents[2]


def _story(root: Path, url_end: str = TARGET) -> tuple[int, str, int, str]:
    """(id, status, attempts, note) of the story built from the page ending in url_end."""
    [row] = rows(
        root,
        "SELECT s.id, s.status, s.attempts, s.note FROM stories s "
        "JOIN documents d ON d.story_id = s.id WHERE d.url LIKE :pattern",
        pattern=f"%{url_end}",
    )
    return row


def _others_published(root: Path) -> tuple[int, int]:
    """(stories other than the target's that have a body, of them published)."""
    target = _story(root)[0]
    [(written,)] = rows(
        root, "SELECT count(*) FROM stories WHERE id != :id AND status = 'written'", id=target
    )
    [(published,)] = rows(
        root,
        "SELECT count(*) FROM articles WHERE story_id != :id AND status = 'published'",
        id=target,
    )
    return written, published


def _status(root: Path) -> tuple[dict[str, Any], str]:
    """`retold status --json` and the plain `retold status`, as a user runs them."""
    outs = []
    for extra in (["--json"], []):
        done = subprocess.run(
            [sys.executable, "-m", "retold", "--dir", str(root), "status", *extra],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        outs.append(done.stdout + done.stderr)  # the plain report is on stderr
    return json.loads(done_json(outs[0])), outs[1]


def retold(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", "--dir", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def done_json(out: str) -> str:
    return out[out.index("{") :]


def test_a_story_that_kills_the_process_is_quarantined_and_the_rest_published(
    tmp_path: Path, publisher: SampleServer, store: Store
) -> None:
    root = tmp_path / "news"
    newsroom(root, publisher, "feed.xml", store=store).close()

    def run_once() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tests.stages.faults", str(root), "write", "kill"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )

    for attempt in range(1, MAX_ATTEMPTS + 1):
        died = run_once()
        assert died.returncode == -9, died.stderr[-2000:]  # SIGKILL: nothing caught
        # Counted before the work, so the count survived the crash.
        assert _story(root)[1:3] == ("new", attempt)

    ran = run_once()  # the fourth run sets it aside and carries on
    assert ran.returncode == 0, ran.stderr[-2000:]
    report = json.loads(ran.stdout.strip().splitlines()[-1])
    assert report["status"] == "partial"
    assert report["counts"]["stories_quarantined"] == 1
    _, status, attempts, note = _story(root)
    assert (status, attempts) == ("quarantined", MAX_ATTEMPTS)
    assert note == (
        f"Quarantined after {MAX_ATTEMPTS} attempts: the process died while writing it "
        "(a crash or out of memory)."
    )
    written, published = _others_published(root)
    assert written == published >= 4  # every other story with a body is published
    assert "ferry" not in (root / "site" / "index.html").read_text(encoding="utf-8").lower()

    again = run_once()  # quarantined stays quarantined, and no longer fails runs
    assert again.returncode == 0, again.stderr[-2000:]
    assert json.loads(again.stdout.strip().splitlines()[-1])["status"] == "ok"
    assert _story(root)[1:3] == ("quarantined", MAX_ATTEMPTS)

    status_json, status_text = _status(root)
    assert status_json["counts"]["stories_quarantined"] == 1
    assert status_json["counts"]["stories_pending"] == 0
    [item] = status_json["quarantined"]
    assert item["kind"] == "story" and item["title"] == "Island ferry fares rise by a fifth"
    assert item["reason"] == note
    assert note in status_text
    # The three killed runs are on record as interrupted, not left `running`.
    assert [r["status"] for r in status_json["runs"]] == [
        "ok",
        "partial",
        "interrupted",
        "interrupted",
        "interrupted",
    ]


def test_a_story_whose_writer_raises_fails_alone_then_is_quarantined(
    tmp_path: Path, publisher: SampleServer, caplog: pytest.LogCaptureFixture, store: Store
) -> None:
    root = tmp_path / "news"
    newsroom(root, publisher, "feed.xml", store=store).close()
    caplog.set_level(logging.WARNING, logger="retold")

    first = run_with_fault(root, "write", "raise")
    assert first.status == "partial"  # the truth: one story was not written
    assert first.counts["stories_failed"] == 1
    story_id = _story(root)[0]
    assert f"Story {story_id} failed and will be tried again: RuntimeError: {MESSAGE}." in (
        first.problems
    )
    assert any(MESSAGE in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    written, published = _others_published(root)
    assert written == published >= 4  # the others went on, in the same run

    second = run_with_fault(root, "write", "raise")
    assert (second.status, _story(root)[1:3]) == ("partial", ("new", 2))
    third = run_with_fault(root, "write", "raise")
    assert third.counts["stories_quarantined"] == 1 and not third.counts["stories_failed"]
    _, status, _, note = _story(root)
    assert status == "quarantined"
    assert note == f"Quarantined after {MAX_ATTEMPTS} attempts: RuntimeError: {MESSAGE}."
    assert run_with_fault(root, "write", "raise").status == "ok"  # not tried again

    # An operator who fixed the cause gives it its tries back; the next run publishes it.
    assert retold(root, "retry", "nonsense").returncode == 2
    released = retold(root, "retry", str(story_id))
    assert released.returncode == 0 and f"story {story_id}" in released.stderr
    with Newsroom.open(root) as room:
        assert run(room).status == "ok"
    assert _story(root)[1:3] == ("written", 0)
    assert retold(root, "retry", "--all").returncode == 2  # nothing left to release


def test_an_article_whose_check_raises_is_quarantined(
    tmp_path: Path, publisher: SampleServer, store: Store
) -> None:
    root = tmp_path / "news"
    newsroom(root, publisher, "feed.xml", store=store).close()
    reports = [run_with_fault(root, "verify", "raise") for _ in range(MAX_ATTEMPTS)]
    assert [r.status for r in reports] == ["partial"] * MAX_ATTEMPTS
    assert [r.counts["articles_failed"] for r in reports] == [1, 1, 0]
    assert reports[-1].counts["articles_quarantined"] == 1
    # The failed check counted nothing: only the other articles were published.
    written, published = _others_published(root)
    assert reports[0].counts["articles_published"] == published == written >= 4
    [(status, attempts, reason, checked)] = rows(
        root,
        "SELECT a.status, a.attempts, a.last_error, v.checked FROM articles a "
        "JOIN article_versions v ON v.article_id = a.id "
        "AND v.version = a.current_version WHERE a.story_id = :story",
        story=_story(root)[0],
    )
    assert (status, attempts, bool(checked)) == ("quarantined", MAX_ATTEMPTS, False)  # 0 on SQLite
    assert reason == f"Quarantined after {MAX_ATTEMPTS} attempts: RuntimeError: {MESSAGE}."
    status_json, status_text = _status(root)
    assert status_json["counts"]["articles_quarantined"] == 1
    [item] = status_json["quarantined"]
    assert (item["kind"], item["title"], item["reason"]) == (
        "article",
        "Island ferry fares rise by a fifth",
        reason,
    )
    assert item["slug"] in status_text and reason in status_text

    assert retold(root, "retry", item["slug"]).returncode == 0
    with Newsroom.open(root) as room:
        assert run(room).counts["articles_published"] == 1


def test_an_error_every_story_shares_blames_none_of_them(
    tmp_path: Path, publisher: SampleServer, store: Store
) -> None:
    # A model answering garbage, a dependency down: the newsroom's fault, not the stories'.
    root = tmp_path / "news"
    room = newsroom(root, publisher, "feed.xml", store=store)
    try:
        for _ in range(MAX_ATTEMPTS + 1):
            report = run(room, writer=FaultyWriter("raise", target=""))
            assert report.status == "partial"
            assert report.counts["stories_failed"] >= 5
            assert not report.counts["stories_quarantined"]
            assert any("failed with the same error, so none of them is blamed" in p
                       for p in report.problems)  # fmt: skip
    finally:
        room.close()
    waiting = rows(root, "SELECT status, attempts FROM stories WHERE status != 'skipped'")
    assert set(waiting) == {("new", 0)}  # all still waiting, none blamed


def test_a_failing_disk_stops_the_run_and_blames_no_story(
    tmp_path: Path, publisher: SampleServer, store: Store
) -> None:
    root = tmp_path / "news"
    room = newsroom(root, publisher, "feed.xml", store=store)

    class DiskFull(FaultyWriter):
        async def write(self, docs: Sequence[SourceDoc], *, brief: WriteBrief) -> Draft:
            raise OSError(28, "No space left on device")

    try:
        with pytest.raises(OSError, match="No space left"):
            run(room, writer=DiskFull("raise"))
        [status] = [r.status for r in last_runs(room, 1)]
    finally:
        room.close()
    assert status == "failed"
    assert rows(root, "SELECT max(attempts) FROM stories") == [(0,)]
