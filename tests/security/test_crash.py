"""Issue 13: SIGKILL `retold run` at random points; the rerun reaches the same state.

The short version of ``bench/bench_crash.py`` (which holds the machinery and kills 30
times): one newsroom over the bundled sample publishers (loopback, extractive writer) is
killed three times, each at a seeded random fraction of an uninterrupted run's duration,
each run resuming from what the one before left. After every kill the database passes
SQLite's integrity check and the site is absent or one whole build. A last run then
finishes, and its database (dumped without ids or timestamps) and its site (every file's
path and bytes) are exactly those of an uninterrupted run against the same publisher.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from pathlib import Path

from bench.bench_crash import Outcome, after_kill_problems, kill_after, make_newsroom, run_to_end

from retold.lock import is_locked
from retold.samples_server import SampleServer

KILLS = 3
SEED = 13


def run_statuses(root: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(root / "retold.db")) as db:
        return [status for (status,) in db.execute("SELECT status FROM runs ORDER BY id")]


def test_runs_killed_at_random_points_resume_to_the_uninterrupted_state(
    tmp_path: Path, sample_server: SampleServer
) -> None:
    reference_root = make_newsroom(tmp_path / "reference", sample_server)
    uninterrupted = run_to_end(reference_root)
    assert uninterrupted.code == 0, uninterrupted.stderr
    reference = Outcome.of(reference_root)
    assert len(reference.dump["articles"]) >= 20 and "index.html" in reference.site

    root = make_newsroom(tmp_path / "killed", sample_server)
    rng = random.Random(SEED)
    for _ in range(KILLS):
        fraction = rng.uniform(0.15, 0.8)
        kill_after(root, fraction * uninterrupted.seconds)
        assert after_kill_problems(root) == []
        assert not is_locked(root)  # the kernel let go of the dead run's lock

    final = run_to_end(root)
    assert final.code == 0, final.stderr
    assert Outcome.of(root).differences(reference) == []
    *before, last = run_statuses(root)
    assert last == "ok"
    # Each killed run that had begun is marked interrupted by the next; none stays running.
    assert set(before) <= {"interrupted", "ok"}, before
