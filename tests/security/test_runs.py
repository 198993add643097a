"""Issue 13 item 3: one writer at a time, and a run's recorded status is the truth.

Real `retold run` processes on one newsroom fed by the loopback sample publishers:
two at once (one refused at once with exit 4 and one sentence, the other ok), SIGKILL
mid-run (the next run marks the dead one interrupted and finishes), SIGTERM mid-run
(exit 130, recorded interrupted), and an exception inside a run (recorded failed).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from retold.errors import NewsroomLocked
from retold.lock import is_locked, read_holder
from retold.newsroom import Newsroom
from retold.pipeline import run
from retold.samples_server import SampleServer
from retold.store import sources as sources_store

LOCKED = 4


@pytest.fixture()
def newsroom(tmp_path: Path, sample_server: SampleServer) -> Iterator[Path]:
    room = Newsroom.init(tmp_path / "news", allow_hosts=(sample_server.netloc,), per_host_delay=0.0)
    with room.db.transaction() as session:
        for feed in ("harbour-gazette/rss.xml", "northfield-courier/atom.xml"):
            sources_store.add_source(session, f"{sample_server.base_url}/{feed}", "auto")
    room.close()
    yield room.root


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "retold", "-q", "-d", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def runs(root: Path) -> list[tuple[int, str, list[str]]]:
    with sqlite3.connect(root / "retold.db") as db:
        return [
            (i, status, json.loads(problems or "[]"))
            for i, status, problems in db.execute(
                "SELECT id, status, problems FROM runs ORDER BY id"
            )
        ]


def wait_for_a_running_run(root: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            with sqlite3.connect(root / "retold.db") as db:
                if db.execute("SELECT count(*) FROM documents").fetchone()[0] > 0 and any(
                    s == "running" for (s,) in db.execute("SELECT status FROM runs")
                ):
                    return
        except sqlite3.OperationalError:  # locked for a moment by the writer
            pass
        time.sleep(0.05)
    pytest.fail("the run never got going")


def test_two_runs_at_once_one_is_refused_the_other_finishes(newsroom: Path) -> None:
    first, second = start(newsroom, "run"), start(newsroom, "run")
    outcomes = sorted(
        [(p.wait(timeout=300), *p.communicate()) for p in (first, second)], key=lambda o: o[0]
    )
    (ok_code, _, ok_err), (refused_code, refused_out, refused_err) = outcomes
    assert ok_code == 0, ok_err
    assert refused_code == LOCKED, refused_err
    assert "Traceback" not in refused_err and refused_out == ""
    lines = refused_err.strip().splitlines()
    assert len(lines) == 1 and "is working on the newsroom" in lines[0], refused_err
    assert [status for _, status, _ in runs(newsroom)] == ["ok"]
    assert not is_locked(newsroom)


def test_a_build_is_refused_while_a_run_holds_the_newsroom(newsroom: Path) -> None:
    proc = start(newsroom, "run")
    try:
        wait_for_a_running_run(newsroom, proc)
        assert read_holder(newsroom)["pid"] == proc.pid
        build = subprocess.run(
            [sys.executable, "-m", "retold", "-d", str(newsroom), "build"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert build.returncode == LOCKED and "`retold run`" in build.stderr, build.stderr
        assert f"pid {proc.pid}" in build.stderr
        # In-process callers get the same refusal.
        room = Newsroom.open(newsroom)
        try:
            with pytest.raises(NewsroomLocked):
                run(room)
        finally:
            room.close()
    finally:
        assert proc.wait(timeout=300) == 0, proc.communicate()[1]


def test_a_killed_run_is_marked_interrupted_by_the_next(newsroom: Path) -> None:
    proc = start(newsroom, "run")
    wait_for_a_running_run(newsroom, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert [s for _, s, _ in runs(newsroom)] == ["running"]
    assert not is_locked(newsroom)  # the kernel released the dead process's lock

    again = start(newsroom, "run", "--json")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    report = json.loads(out)
    assert report["status"] == "ok"
    (_, first, problems), (_, second, _) = runs(newsroom)
    assert (first, second) == ("interrupted", "ok")
    assert any("marked it interrupted" in p for p in problems)


def test_sigterm_is_an_interruption_recorded_as_such(newsroom: Path) -> None:
    proc = start(newsroom, "run")
    wait_for_a_running_run(newsroom, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    ((_, status, problems),) = runs(newsroom)
    assert status == "interrupted"
    assert any("SIGTERM" in p for p in problems)
    assert not is_locked(newsroom)


def test_sigterm_during_a_stage_that_never_awaits_still_stops() -> None:
    """The event loop sees a stop signal only when a stage awaits; one that lands while
    the last stage runs plain code (publish) must not be lost when the loop closes."""
    from retold.pipeline import Stopped, _run_async, stop_signals_interrupt

    async def last_stage_without_an_await() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)  # plain code: the loop has no chance to cancel anything

    with stop_signals_interrupt(), pytest.raises(Stopped):
        _run_async(last_stage_without_an_await())


def test_an_exception_in_a_run_is_recorded_as_failed(
    newsroom: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retold.pipeline as pipeline

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "cluster_documents", broken)
    room = Newsroom.open(newsroom)
    try:
        with pytest.raises(RuntimeError):
            run(room)
        assert not room.lock.held
    finally:
        room.close()
    ((_, status, problems),) = runs(newsroom)
    assert status == "failed"
    assert "The run failed: RuntimeError: disk on fire." in problems


def test_the_lock_is_reentrant_in_one_process_and_released_on_close(tmp_path: Path) -> None:
    room = Newsroom.init(tmp_path / "news")
    with room.writing("build"), room.writing("run"):
        assert is_locked(room.root)
        assert read_holder(room.root)["pid"] == os.getpid()
    assert not is_locked(room.root)
    room.lock.acquire("run")
    room.close()
    assert not is_locked(room.root)


def test_a_holder_that_has_not_written_its_record_yet_is_still_refused_in_one_sentence(
    tmp_path: Path,
) -> None:
    # The moment between taking the lock and writing who holds it: seen as a KeyError once.
    import fcntl

    from retold.lock import LOCK_NAME, NewsroomLock

    fd = os.open(tmp_path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(NewsroomLocked, match="did not start"):
            NewsroomLock(tmp_path).acquire("run")
    finally:
        os.close(fd)
