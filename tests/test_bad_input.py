"""Bad input never stops the run, is reported per source, and never loses stored work."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from retold.newsroom import Newsroom
from retold.pipeline import run
from retold.samples_server import samples_dir
from retold.store import sources as sources_store
from tests.conftest import free_port

PAGES = [
    "harbour-gazette/news/herring-quota-cut.html",
    "northfield-courier/news/wend-otters-return.html",
]


@dataclass
class Publisher:
    """A loopback publisher whose answers the test changes on cue."""

    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def rss(base: str, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>{base}/{link}</link></item>"
        for i, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture()
def publisher() -> Iterator[Publisher]:
    state = Publisher()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            status, ctype, body = state.routes.get(self.path, (404, "text/html", b"no"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = state.base.encode()
    for page in PAGES:
        html = (samples_dir() / "site" / page).read_bytes().replace(b"__BASE__", base)
        state.routes[f"/{page}"] = (200, "text/html; charset=utf-8", html)
    state.routes["/robots.txt"] = (200, "text/plain", b"User-agent: *\nAllow: /\n")
    state.routes["/good.xml"] = (200, "application/rss+xml", rss(state.base, PAGES))
    state.routes["/empty.xml"] = (200, "application/rss+xml", rss(state.base, []))
    state.routes["/blank.html"] = (200, "text/html", b"<html><body><nav>Home</nav></body></html>")
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture()
def room(tmp_path: Path, publisher: Publisher) -> Iterator[Newsroom]:
    dead = free_port()  # nothing listens here: "unreachable host"
    newsroom = Newsroom.init(
        tmp_path / "news",
        allow_hosts=(f"127.0.0.1:{publisher.port}", f"127.0.0.1:{dead}"),
        per_host_delay=0.0,
    )
    newsroom.dead_port = dead  # type: ignore[attr-defined]
    yield newsroom
    newsroom.close()


def add(room: Newsroom, *urls: str) -> None:
    with room.db.transaction() as session:
        for url in urls:
            sources_store.add_source(session, url, "auto")


def health(room: Newsroom) -> dict[str, tuple[str, str]]:
    with room.db.transaction() as session:
        return {
            s.url: (sources_store.health(s), s.last_error)
            for s in sources_store.list_sources(session)
        }


def test_each_broken_source_is_reported_and_the_rest_runs(
    room: Newsroom, publisher: Publisher, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02 not a feed, not a page")
    base = publisher.base
    add(
        room,
        f"{base}/good.xml",
        f"{base}/missing.xml",
        f"{base}/empty.xml",
        f"{base}/blank.html",
        f"http://127.0.0.1:{room.dead_port}/feed.xml",
    )  # type: ignore[attr-defined]
    with room.db.transaction() as session:
        sources_store.add_source(session, str(junk), "file")

    report = run(room)

    assert report.status == "partial"
    assert report.counts["articles_published"] == 2
    states = health(room)
    assert states[f"{base}/good.xml"][0] == "ok"
    assert "404" in states[f"{base}/missing.xml"][1]
    assert states[f"http://127.0.0.1:{room.dead_port}/feed.xml"][0] == "failing"  # type: ignore[attr-defined]
    assert "neither a feed nor a web page" in states[str(junk)][1]
    problems = " ".join(report.problems)
    assert "no items" in problems  # the empty feed is reported, not fatal
    assert "no extractable text" in problems
    assert report.failed_sources == 3


def test_a_source_that_breaks_later_loses_nothing(room: Newsroom, publisher: Publisher) -> None:
    add(room, f"{publisher.base}/good.xml")
    first = run(room)
    assert first.counts["articles_published"] == 2
    pages = sorted((room.output_dir).glob("2026/*/*/index.html"))
    assert len(pages) == 2

    # The feed now answers garbage and one page has vanished.
    publisher.routes["/good.xml"] = (500, "text/html", b"oops")
    del publisher.routes[f"/{PAGES[0]}"]
    second = run(room)

    assert second.status == "partial"
    assert second.counts.get("articles_written", 0) == 0
    assert sorted((room.output_dir).glob("2026/*/*/index.html")) == pages
    assert health(room)[f"{publisher.base}/good.xml"][0] == "failing"


def retold_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", *args], capture_output=True, text=True, timeout=120
    )


def test_a_malformed_config_is_one_clear_sentence(tmp_path: Path) -> None:
    room = Newsroom.init(tmp_path / "news")
    room.close()
    config = tmp_path / "news" / "retold.toml"
    config.write_text(config.read_text().replace("policy =", "polcy ="))
    done = retold_cli("-d", str(tmp_path / "news"), "run")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Error: Unknown key 'polcy' in [checker] of {config}; did you mean 'policy'?"
    )
    assert "Traceback" not in done.stderr

    config.write_text("[site\ntitle = 'x'")
    done = retold_cli("-d", str(tmp_path / "news"), "sources")
    assert done.returncode == 2 and "is not valid TOML" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_not_a_newsroom_and_bad_targets(tmp_path: Path) -> None:
    done = retold_cli("-d", str(tmp_path), "run")
    assert done.returncode == 2 and "is not a newsroom" in done.stderr
    Newsroom.init(tmp_path / "n").close()
    done = retold_cli("-d", str(tmp_path / "n"), "add", "ftp://example.org/feed")
    assert done.returncode == 2 and "only read http(s) URLs" in done.stderr
    done = retold_cli("-d", str(tmp_path / "n"), "add", str(tmp_path / "nope.xml"))
    assert done.returncode == 2 and "neither a URL nor an existing file" in done.stderr


def test_the_exit_code_says_some_sources_failed(room: Newsroom, publisher: Publisher) -> None:
    add(room, f"{publisher.base}/good.xml", f"{publisher.base}/missing.xml")
    done = retold_cli("-q", "-d", str(room.root), "run", "--json")
    assert done.returncode == 1, done.stderr
    assert '"status": "partial"' in done.stdout
