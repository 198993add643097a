"""The command line as a user meets it: help, init, add, sources, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ["init", "add", "sources", "run", "watch", "build", "serve", "demo", "status", "stats",
            "approve", "extract", "check"]


def retold(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "retold", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_top_level_help_lists_every_command() -> None:
    done = retold("--help")
    assert done.returncode == 0
    for command in COMMANDS:
        assert command in done.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    done = retold(command, "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


def test_init_add_sources_json(tmp_path: Path) -> None:
    room = tmp_path / "news"
    assert retold("init", str(room), "--title", "Valley News").returncode == 0
    assert (room / "retold.toml").exists() and (room / "retold.db").exists()
    again = retold("init", str(room))
    assert again.returncode == 2 and "already a newsroom" in again.stderr

    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>s</title></head><body>'
        '<outline text="A" xmlUrl="https://a.example/feed.xml"/>'
        '<outline text="B" xmlUrl="https://b.example/atom.xml"/></body></opml>'
    )
    added = retold("-d", str(room), "add", "--json", str(opml), "https://c.example/story")
    assert added.returncode == 0, added.stderr
    assert [r["url"] for r in json.loads(added.stdout)] == [
        "https://a.example/feed.xml", "https://b.example/atom.xml", "https://c.example/story"]

    listed = retold("-d", str(room), "sources", "--json")
    rows = json.loads(listed.stdout)
    assert len(rows) == 3 and {r["health"] for r in rows} == {"new"}

    status = json.loads(retold("-d", str(room), "status", "--json").stdout)
    assert status["counts"]["articles_published"] == 0


def test_build_on_an_empty_newsroom_makes_an_empty_site(tmp_path: Path) -> None:
    room = tmp_path / "news"
    retold("init", str(room))
    done = retold("-d", str(room), "build", "--json")
    assert done.returncode == 0, done.stderr
    assert (room / "site" / "index.html").exists()
    assert json.loads(done.stdout)["written"] > 0


def test_sources_export_as_opml_round_trips(tmp_path: Path) -> None:
    from retold.ingest.opml import read_opml

    room = tmp_path / "news"
    retold("init", str(room))
    retold("-d", str(room), "add", "https://a.example/feed.xml", "https://b.example/rss")
    done = retold("-d", str(room), "sources", "--opml")
    assert done.returncode == 0, done.stderr
    assert [f.xml_url for f in read_opml(done.stdout.encode())] == [
        "https://a.example/feed.xml", "https://b.example/rss"]


def test_serve_previews_the_site_on_loopback(tmp_path: Path) -> None:
    import time
    import urllib.request

    from tests.conftest import free_port

    room = tmp_path / "news"
    retold("init", str(room))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "retold", "-d", str(room), "serve",
                               "--port", str(port)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as answer:
                    assert answer.status == 200
                    assert b"<html" in answer.read()
                break
            except OSError:
                assert time.monotonic() < deadline, "retold serve did not start"
                time.sleep(0.2)
        taken = retold("-d", str(room), "serve", "--port", str(port))
        assert taken.returncode == 2 and "try another --port" in taken.stderr

        # Edit the newsroom: the preview rebuilds by itself.
        config = room / "retold.toml"
        config.write_text(config.read_text().replace('title = "Retold News"',
                                                     'title = "Renamed News"'))
        deadline = time.monotonic() + 60
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as answer:
                if b"Renamed News" in answer.read():
                    break
            assert time.monotonic() < deadline, "retold serve did not rebuild"
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_stats_prices_tokens_per_model_and_run(tmp_path: Path) -> None:
    from retold.store.stats import cost

    assert cost(1_000_000, 500_000, "m", {"m": (0.15, 0.60)}) == pytest.approx(0.45)
    assert cost(1000, 1000, "unpriced", {}) == 0.0
    room = tmp_path / "news"
    retold("init", str(room))
    done = retold("-d", str(room), "stats", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"models": [], "runs": []}
