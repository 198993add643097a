"""Workers on Celery with Redis, sharing one PostgreSQL newsroom: leases, politeness shared
across workers, a worker killed mid-item, and a worker refusing an older schema."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command

from retold.newsroom import Newsroom
from retold.samples_server import SampleServer
from retold.store import leases
from retold.store import sources as sources_store
from retold.store import stats as stats_store
from retold.store.db import Database, SchemaTooOld, alembic_config
from retold.worker.turns import RedisTurns
from tests.conftest import sample_newsroom
from tests.sites import site_digest

FEEDS = ("harbour-gazette/rss.xml", "metro-wire/rss.xml")
DELAY = 0.3  # seconds between two requests to one host, across every worker


def retold(room: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "retold", "-d", str(room), *args]


# --- leases -------------------------------------------------------------------------------


def test_of_workers_racing_for_an_item_exactly_one_gets_it(store_url: str) -> None:
    db = Database(store_url)
    try:
        start = threading.Barrier(8)
        won: list[str] = []

        def race(holder: str) -> None:
            start.wait()
            with db.transaction() as session:
                if leases.acquire(session, "write:story:1", holder, 30):
                    won.append(holder)

        threads = [threading.Thread(target=race, args=(f"w{i}",)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1

        with db.transaction() as session:
            assert leases.acquire(session, "write:story:1", won[0], 30)  # its own: renewed
            leases.release(session, "write:story:1", "someone-else")  # not theirs to give
            assert not leases.acquire(session, "write:story:1", "late", 30)
            # A dead holder's lease runs out and the next worker takes the item over.
            assert leases.acquire(session, "verify:article:2", "dead", -1)
            assert leases.acquire(session, "verify:article:2", "alive", 30)
            assert leases.renew(session, ["verify:article:2"], "dead", 30) == ["verify:article:2"]
            held = {lease.name: lease.holder for lease in leases.holders(session)}
        assert held == {"write:story:1": won[0], "verify:article:2": "alive"}
    finally:
        db.close()


def test_status_shows_what_workers_hold_as_in_progress(store_url: str) -> None:
    db = Database(store_url)
    try:
        with db.transaction() as session:
            leases.acquire(session, "write:story:5", "w1", 30)
            leases.acquire(session, "extract:document:9", "w2", 30)
            leases.acquire(session, "verify:article:3", "gone", -1)  # expired: not in hand
            stages = stats_store.stages(session)
        assert stages["write"]["in_progress"] == 1
        assert stages["fetch"]["in_progress"] == 1
        assert "in_progress" not in stages["verify"]
    finally:
        db.close()


# --- politeness across workers ------------------------------------------------------------


def test_two_workers_take_turns_at_a_host_through_redis(redis_url: str) -> None:
    async def reserve_alternately() -> tuple[list[float], float]:
        one, two = RedisTurns(redis_url), RedisTurns(redis_url)  # two workers' connections
        began = time.monotonic()
        waits = [await (one if i % 2 else two).reserve("news.example", 0.5) for i in range(6)]
        took = time.monotonic() - began
        await one.aclose()
        await two.aclose()
        return waits, took

    waits, took = asyncio.run(reserve_alternately())
    # Six starts half a second apart, whoever asked: each worker alone would have let its
    # third request go after 1 s; shared, the sixth waits 2.5 s (less the time asking took).
    assert waits == sorted(waits)
    assert waits[-1] >= 2.5 - took


# --- a worker at an older schema ----------------------------------------------------------


def test_a_worker_refuses_a_store_at_an_older_schema(tmp_path: Path) -> None:
    room = Newsroom.init(tmp_path / "news")
    url = room.db.url
    room.close()
    command.downgrade(alembic_config(url), "0006")

    with pytest.raises(SchemaTooOld, match="schema 0006"):
        Database(url, upgrade=False)
    done = subprocess.run(
        retold(tmp_path / "news", "worker"), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "schema 0006" in done.stderr and "retold migrate" in done.stderr
    assert "Traceback" not in done.stderr

    upgraded = subprocess.run(
        retold(tmp_path / "news", "migrate"), capture_output=True, text=True, timeout=120
    )
    assert upgraded.returncode == 0, upgraded.stderr
    Database(url, upgrade=False).close()  # now the workers may start


def test_an_unreachable_broker_is_one_sentence_without_its_password(tmp_path: Path) -> None:
    Newsroom.init(tmp_path / "news").close()
    env = {**os.environ, "RETOLD_WORKER_BROKER": "redis://:hunter2@127.0.0.1:1/0"}
    done = subprocess.run(
        retold(tmp_path / "news", "run", "--workers"),
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 1
    assert "can't be reached" in done.stderr and "Traceback" not in done.stderr
    assert "hunter2" not in done.stderr + done.stdout


# --- two workers, one killed mid-item -------------------------------------------------------


@pytest.fixture()
def store(pg_database: Callable[[], str]) -> str:
    return pg_database()


@pytest.fixture()
def workers(
    tmp_path: Path, store: str, redis_url: str, sample_server: SampleServer
) -> Iterator[tuple[Path, list[subprocess.Popen[str]]]]:
    room = sample_newsroom(tmp_path / "distributed", sample_server, ())
    config = room / "retold.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("[store]\n", f'[store]\nurl = "{store}"\n', 1)
    text = text.replace("[worker]\n", f'[worker]\nbroker = "{redis_url}"\nlease_seconds = 3\n', 1)
    text = re.sub(r"(?m)^per_host_delay = .*$", f"per_host_delay = {DELAY}", text)
    config.write_text(text, encoding="utf-8")
    procs = [
        subprocess.Popen(
            retold(room, "worker", "--concurrency", "1", "--name", f"w{i}@test"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group: SIGKILL takes its pool too
        )
        for i in range(2)
    ]
    try:
        yield room, procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _holder_group(holder: str) -> int | None:
    """The process group of the worker process named in a lease (host:pid:random)."""
    try:
        return os.getpgid(int(holder.split(":")[1]))
    except (ProcessLookupError, ValueError, IndexError):
        return None


def _live_leases(store: str) -> list[tuple[str, str]]:
    with psycopg.connect(store) as conn:
        return conn.execute("SELECT name, holder FROM leases WHERE expires_at > now()").fetchall()


def test_two_workers_one_killed_mid_item_publish_the_same_site_as_one_run(
    tmp_path: Path,
    workers: tuple[Path, list[subprocess.Popen[str]]],
    store: str,
    sample_server: SampleServer,
) -> None:
    room, procs = workers
    # The sources go into the shared store.
    with Newsroom.open(room) as opened, opened.db.transaction() as session:
        for feed in FEEDS:
            sources_store.add_source(session, f"{sample_server.base_url}/{feed}", "auto")

    began = len(sample_server.arrivals)
    dispatcher = subprocess.Popen(
        retold(room, "run", "--workers", "--json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until a worker holds a document mid-extraction, then kill that worker outright.
    deadline = time.monotonic() + 180
    victim = None
    while victim is None and time.monotonic() < deadline and dispatcher.poll() is None:
        for name, holder in _live_leases(store):
            group = _holder_group(holder)
            if name.startswith("extract:document:") and group in {p.pid for p in procs}:
                victim = next(p for p in procs if p.pid == group)
                os.killpg(group, signal.SIGKILL)
                break
        time.sleep(0.05)
    assert victim is not None, "no worker was ever seen holding a document"
    out, err = dispatcher.communicate(timeout=600)
    assert dispatcher.returncode == 0, err
    report = json.loads(out)
    assert report["status"] == "ok"
    assert victim.wait(timeout=30) == -signal.SIGKILL
    survivor = next(p for p in procs if p is not victim)
    assert survivor.poll() is None

    # Every story published exactly once, nothing left claimed.
    with psycopg.connect(store) as conn:
        per_story = conn.execute(
            "SELECT story_id, count(*) FROM articles GROUP BY story_id"
        ).fetchall()
        documents = conn.execute("SELECT count(*), count(DISTINCT url) FROM documents").fetchone()
        pending = conn.execute(
            "SELECT count(*) FROM documents WHERE status = 'pending' OR refetch"
        ).fetchone()
    assert per_story and all(n == 1 for _, n in per_story)
    assert documents is not None and documents[0] == documents[1]
    assert pending == (0,)
    assert _live_leases(store) == []
    assert report["counts"]["articles_published"] == len(per_story)

    # Politeness held across both workers: requests to the one host kept their turns.
    arrivals = sample_server.arrivals[began:]
    gaps = sorted(b - a for a, b in zip(arrivals, arrivals[1:], strict=False))
    assert len(gaps) > 10
    assert gaps[len(gaps) // 2] >= DELAY * 0.9  # the median: scheduling noise aside
    assert gaps[0] >= DELAY * 0.25

    # The same site as one process running the same sources alone.
    single = sample_newsroom(tmp_path / "single", sample_server, FEEDS)
    done = subprocess.run(retold(single, "run"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    # Every published file is the same.
    assert site_digest(room / "site") == site_digest(single / "site")
