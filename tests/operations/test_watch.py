"""`retold watch` left running over the sample publishers on loopback: cycles on an
interval with each source on its own schedule, JSON logs, Prometheus metrics and
/healthz, a graceful stop on SIGTERM, and `retold status` by stage."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from retold.samples_server import SampleServer
from tests.conftest import free_port, sample_newsroom

# The harbour feed says <ttl>30</ttl>; the Atom feed says nothing about its pace.
FEEDS = ("harbour-gazette/rss.xml", "northfield-courier/atom.xml")


@pytest.fixture()
def room(tmp_path: Path, sample_server: SampleServer) -> Path:
    return sample_newsroom(tmp_path / "news", sample_server, FEEDS)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback)
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_for(url: str, ready: Any, timeout: float = 300.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            _, body = get(url)
            last = json.loads(body)
            if ready(last):
                return last
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"watch never got there: {last}")


def test_watch_cycles_with_schedules_metrics_health_and_a_graceful_stop(room: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "retold", "-d", str(room), "--log-format", "json", "watch",
         "--interval", "1s", "--jitter", "0", "--metrics-port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # SIGABRT dumps every thread's stack
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        health = wait_for(f"{base}/healthz", lambda h: h.get("cycles", 0) >= 2)
        assert health["status"] == "ok" and health["consecutive_failures"] == 0
        code, metrics = get(f"{base}/metrics")
        assert code == 200
        text = metrics.decode()
        assert 'retold_cycles_total{status="ok"}' in text
        assert 'retold_stage_duration_seconds_bucket{le="+Inf",stage="write"}' in text
        assert 'retold_events_total{event="articles_published"}' in text
        assert 'retold_stage_items{stage="write",state="done"}' in text
        for feed in FEEDS:
            assert f'{feed}"}} 1.0' in text  # every source healthy
        assert get(f"{base}/nothing")[0] == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:  # show where it hangs, not only that it does
            proc.send_signal(signal.SIGABRT)
            out, err = proc.communicate(timeout=60)
            raise AssertionError(f"watch did not stop on SIGTERM:\n{err[-6000:]}") from None
    assert proc.returncode == 130, err[-2000:]
    try:
        check_what_watch_left(room, err)
    except AssertionError as failed:  # show what the watch said, not only the assertion
        raise AssertionError(f"{failed}\n--- watch's stderr (end) ---\n{err[-3000:]}") from None


def check_what_watch_left(room: Path, err: str) -> None:
    # Logs: one JSON object per line, each with what it was about.
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    stages = [e for e in events if e.get("event") == "stage"]
    assert {e["stage"] for e in stages} >= {"fetch", "extract", "write", "verify", "publish"}
    assert all(isinstance(e["run_id"], int) and e["duration_s"] >= 0 for e in stages)
    cycles = [e for e in events if e.get("event") == "cycle"]
    assert len(cycles) >= 2 and cycles[0]["status"] == "ok"
    # The second cycle waited for the RSS feed's ttl; the Atom feed, with no pace, was read.
    assert cycles[1]["counts"].get("sources_waiting") == 1
    assert (
        cycles[1]["counts"].get("sources_not_modified", 0)
        + cycles[1]["counts"].get("sources_ok", 0)
        == 1
    )

    # Every run recorded the truth: none left running; a stopped one says interrupted.
    with sqlite3.connect(room / "retold.db") as db:
        statuses = [s for (s,) in db.execute("SELECT status FROM runs ORDER BY id")]
    assert "running" not in statuses and statuses[:2] == ["ok", "ok"]
    assert set(statuses) <= {"ok", "interrupted"}

    status = subprocess.run(
        [sys.executable, "-m", "retold", "-d", str(room), "status", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    stages_now = json.loads(status.stdout)["stages"]
    assert stages_now["write"]["done"] > 0 and stages_now["write"]["queued"] == 0
    assert stages_now["verify"]["done"] == json.loads(status.stdout)["counts"]["articles_published"]
    assert stages_now["cluster"]["queued"] == 0


def test_a_plain_run_reads_every_source_a_scheduled_run_waits(room: Path) -> None:
    def run(*extra: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "retold", "-q", "-d", str(room), "run", "--json", *extra],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout)["counts"])

    first = run()
    assert first["sources_ok"] == 2
    again = run()  # by hand: both read again (conditional GETs)
    assert again.get("sources_ok", 0) + again.get("sources_not_modified", 0) == 2
    scheduled = run("--scheduled")  # from cron: the RSS feed's ttl is honoured
    assert scheduled["sources_waiting"] == 1


def test_watch_refuses_a_bad_interval_and_a_busy_port(room: Path) -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "retold", "-d", str(room), "watch", "--interval", "soon"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "'soon' is not an interval" in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = subprocess.run(
            [sys.executable, "-m", "retold", "-d", str(room), "watch", "--cycles", "1",
             "--metrics-port", str(taken.getsockname()[1])],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert busy.returncode == 2 and "Could not serve metrics" in busy.stderr
    assert "Traceback" not in busy.stderr
