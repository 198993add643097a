"""Issue 13: a fault in every dependency gives one sentence, a true run status and a
state the next run resumes from.

Each test runs the real `retold` command in this process (``retold.cli.main`` with its
argv; a traceback would reach the test as an exception) on a small newsroom fed by the
loopback sample publishers (one feed, nine documents), breaks one dependency, checks what
the operator sees and what the store and the site still hold, removes the fault and runs
again to completion.

The faults, and how each is made:

- the model server (``backend = "openai"``): **down** (a loopback port nobody listens on:
  connection refused), **slow** (a loopback server that answers after the writer's timeout),
  **garbage** (HTTP 200 whose body is not JSON) and **500s**. Each ends in exit 3 ("the
  writer is unavailable"), the stories left pending, and a run with a working server (a
  loopback model that retells faithfully) writes them.
- **the site's folder unwritable**: tests run as root, where ``chmod`` stops nothing, so
  the folder holding the site is made immutable with ``chattr +i`` (which binds root too);
  where the file system or the container does not allow that, the fault is injected at the
  one system call the swap needs (``os.symlink`` in ``retold.publish.output``).
- **the disk full**: a 1 MiB-ish tmpfs mounted for the test and filled to the last byte
  (tests run as root); where mounting is not allowed, ``ENOSPC`` is injected at the site
  writer's file writes. Two places: the site's folder alone, and the whole newsroom
  (database included).
- **the database locked**: another process holds an exclusive SQLite write transaction
  for longer than the busy timeout (shortened for the test through
  ``retold.store.db.BUSY_TIMEOUT_MS``), taken while the run is between two stages.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import retold.pipeline as pipeline
import retold.publish.output as site_output
import retold.store.db as store_db
from retold.cli import main
from retold.llm import openai_client
from retold.newsroom import Newsroom
from retold.samples_server import SampleServer, samples_dir
from retold.store import sources as sources_store
from tests.sites import site_files
from tests.write.fake_openai import echo_completion

FEED = "harbour-gazette/rss.xml"  # nine documents: eight stories to write, one teaser
WRITER_UNAVAILABLE, FAILED = 3, 1


# -- the pieces: a publisher, a model server, a newsroom, the command ----------------------


@pytest.fixture(scope="module")
def publisher() -> Iterator[SampleServer]:
    server = SampleServer(samples_dir()).start()
    try:
        yield server
    finally:
        server.stop()


class ModelServer:
    """An OpenAI-compatible chat endpoint on loopback, in one of these modes:

    ``echo`` answers a faithful article (the extractive retelling of the sources in the
    prompt), ``slow`` sleeps past any sane timeout first, ``garbage`` answers HTTP 200 with
    a body that is not JSON, ``500`` answers HTTP 500.
    """

    def __init__(self, mode: str = "echo", delay: float = 4.0) -> None:
        self.mode, self.delay = mode, delay
        self.calls = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ModelServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                model.calls += 1
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if model.mode == "slow":
                    time.sleep(model.delay)
                    with contextlib.suppress(OSError):  # the client has long hung up
                        self._send(200, b"{}")
                elif model.mode == "garbage":
                    self._send(
                        200, b"<html><body>Bad gateway, try later</body></html>", "text/html"
                    )
                elif model.mode == "500":
                    self._send(500, b'{"error": {"message": "model crashed"}}')
                else:
                    self._send(200, json.dumps(echo_completion(payload)).encode())

        return Handler


def make_newsroom(root: Path, publisher: SampleServer, *, backend: str = "extractive") -> Path:
    room = Newsroom.init(root, allow_hosts=(publisher.netloc,), per_host_delay=0.0, backend=backend)
    with room.db.transaction() as session:
        sources_store.add_source(session, f"{publisher.base_url}/{FEED}", "auto")
    room.close()
    return room.root


def set_output_dir(root: Path, output_dir: str) -> None:
    config = root / "retold.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('output_dir = "site"', f'output_dir = "{output_dir}"'))


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def said(self) -> str:
        """stderr with Rich's line wrapping undone."""
        return " ".join(self.err.split())

    def error_sentence(self) -> str:
        """The one `Error: ...` line; fails unless there is exactly one and no traceback."""
        assert "Traceback" not in self.err, self.err
        lines = [line for line in self.err.splitlines() if line.startswith("Error: ")]
        assert len(lines) == 1, self.err
        return lines[0]


@pytest.fixture()
def retold(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Outcome]:
    def command(root: Path, *args: str) -> Outcome:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["retold", "-d", str(root), *args])
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        out, err = capsys.readouterr()
        return Outcome(code, out, err)

    return command


def query(root: Path, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(root / "retold.db")) as db:
        return list(db.execute(sql))


def run_statuses(root: Path) -> list[str]:
    return [status for (status,) in query(root, "SELECT status FROM runs ORDER BY id")]


def story_statuses(root: Path) -> dict[str, int]:
    return dict(query(root, "SELECT status, count(*) FROM stories GROUP BY status"))


def stored(root: Path) -> dict[str, int]:
    """What the store holds that a fault must never take away."""
    counts = {}
    for table in ("documents", "document_versions", "stories", "articles", "article_versions"):
        ((counts[table],),) = query(root, f"SELECT count(*) FROM {table}")
    return counts


# -- the model server ------------------------------------------------------------------------


@pytest.fixture()
def model_env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Point the newsroom's openai writer at ``url``, with short timeouts and few retries."""
    openai_client._accepted_mode.clear()

    def point_at(url: str, timeout: float = 0.5) -> None:
        for key, value in {
            "RETOLD_WRITER_BASE_URL": url,
            "RETOLD_WRITER_MODEL": "fake-model",
            "RETOLD_WRITER_API_KEY": "sk-test",
            "RETOLD_WRITER_TIMEOUT": str(timeout),
            "RETOLD_WRITER_RETRIES": "0",
            "RETOLD_WRITER_CIRCUIT_BREAKER": "2",
        }.items():
            monkeypatch.setenv(key, value)

    return point_at


@contextlib.contextmanager
def refused() -> Iterator[str]:
    """A loopback address where nothing listens (bound, never listening: refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


@contextlib.contextmanager
def model_fault(kind: str) -> Iterator[str]:
    if kind == "down":
        with refused() as url:
            yield url
    else:
        with ModelServer(kind) as server:
            yield server.url


@pytest.mark.parametrize(
    "kind",
    [
        "down",
        "slow",
        "garbage",
        "500",
    ],
)
def test_model_server_fault_leaves_stories_pending_and_the_next_run_writes_them(
    kind: str,
    tmp_path: Path,
    publisher: SampleServer,
    retold: Callable[..., Outcome],
    model_env: Callable[..., None],
) -> None:
    root = make_newsroom(tmp_path / "news", publisher, backend="openai")
    with model_fault(kind) as url:
        model_env(url)
        broken = retold(root, "run")
    assert broken.code == WRITER_UNAVAILABLE, broken.err
    assert "Traceback" not in broken.err
    # One sentence says what is wrong and where, and what becomes of the stories.
    assert re.search(
        r"The writer is unavailable: The openai writer \(http://127\.0\.0\.1:\d+/v1\) is "
        r"unavailable after \d+ failed stories \([^)]+",
        broken.said,
    ), broken.err
    assert "Remaining stories are pending and will be written on the next run." in broken.said
    assert run_statuses(root) == ["pending"]
    pending = story_statuses(root).get("pending", 0)
    assert pending >= 5, story_statuses(root)
    before = stored(root)
    assert before["documents"] == 9  # everything fetched is kept

    with ModelServer("echo") as model:
        model_env(model.url, timeout=30)
        resumed = retold(root, "run", "--json")
    assert resumed.code == 0, resumed.err
    assert json.loads(resumed.out)["status"] == "ok"
    assert run_statuses(root) == ["pending", "ok"]
    assert "pending" not in story_statuses(root), story_statuses(root)
    after = stored(root)
    assert after["documents"] == before["documents"]
    assert after["articles"] >= before["articles"] + pending - 1  # the teaser is skipped
    backends = dict(query(root, "SELECT backend, count(*) FROM article_versions GROUP BY 1"))
    assert backends.get("openai", 0) >= pending - 1, backends
    assert model.calls >= pending - 1


# -- the site's folder unwritable ------------------------------------------------------------


@contextlib.contextmanager
def unwritable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Make ``folder`` unwritable even for root; yields how."""
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode == 0:
        try:
            yield "chattr +i"
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        return

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted", str(folder))

    with monkeypatch.context() as patch:
        patch.setattr(site_output.os, "symlink", refuse)
        yield "injected"


def test_unwritable_site_folder_fails_the_run_with_one_sentence_and_keeps_the_old_site(
    tmp_path: Path,
    publisher: SampleServer,
    retold: Callable[..., Outcome],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_newsroom(tmp_path / "news", publisher)
    set_output_dir(root, "public/site")
    assert retold(root, "run").code == 0
    site = root / "public" / "site"
    old_site, old_search = site_files(site), site_files(site, with_search=True)
    before = stored(root)
    assert old_site and before["articles"] >= 5

    with unwritable(root / "public", monkeypatch):
        broken = retold(root, "run")
        # `retold build` meets the same fault with the same kind of sentence.
        build = retold(root, "build")
    sentence = broken.error_sentence()
    assert broken.code == FAILED
    assert str(site) in sentence and "permitted" in sentence, sentence
    assert build.code == FAILED and str(site) in build.error_sentence()
    assert run_statuses(root) == ["ok", "failed"]
    (problems,) = query(root, "SELECT problems FROM runs ORDER BY id DESC LIMIT 1")[0]
    assert any(str(site) in p for p in json.loads(problems))
    assert stored(root) == before  # nothing stored was lost
    # readers still get the whole previous site, its search index too
    assert site_files(site, with_search=True) == old_search

    assert retold(root, "run").code == 0
    assert run_statuses(root) == ["ok", "failed", "ok"]
    assert site_files(site) == old_site


# -- the disk full ---------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[bool]:
    """A tmpfs of ``size`` mounted on ``where``; yields False where mounting is refused."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        for _ in range(20):  # a background clean-up thread may still hold a file for a moment
            if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)


def fill(where: Path) -> Path:
    """Fill the file system holding ``where`` to the last byte; returns the filler."""
    filler = where / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for size in (1 << 16, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    return filler


@contextlib.contextmanager
def disk_full(where: Path, mounted: bool, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if mounted:
        filler = fill(where)
        try:
            yield
        finally:
            filler.unlink()
        return

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(site_output, "_write_new", full)
        yield


def test_disk_full_under_the_site_fails_the_run_and_keeps_the_old_site(
    tmp_path: Path,
    publisher: SampleServer,
    retold: Callable[..., Outcome],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_newsroom(tmp_path / "news", publisher)
    set_output_dir(root, "public/site")
    with small_disk(root / "public") as mounted:
        assert retold(root, "run").code == 0
        site = root / "public" / "site"
        old_site = site_files(site)
        before = stored(root)
        publisher.edition = 2  # changed pages: the next build has new files to write
        try:
            with disk_full(root / "public", mounted, monkeypatch):
                broken = retold(root, "run")
            sentence = broken.error_sentence()
            assert broken.code == FAILED
            assert str(site) in sentence and "No space left on device" in sentence, sentence
            assert run_statuses(root) == ["ok", "failed"]
            after = stored(root)
            assert all(after[k] >= before[k] for k in before), (before, after)
            assert site_files(site) == old_site

            again = retold(root, "run")
            assert again.code == 0, again.err
        finally:
            publisher.edition = 1
        assert run_statuses(root) == ["ok", "failed", "ok"]
        assert site_files(site) != old_site  # the changed stories are published now


def test_disk_full_under_the_database_gives_one_sentence_and_loses_nothing(
    tmp_path: Path,
    publisher: SampleServer,
    retold: Callable[..., Outcome],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with small_disk(tmp_path / "disk", "8m") as mounted:
        if not mounted:
            pytest.skip("mounting a size-limited tmpfs is not allowed here")
        root = make_newsroom(tmp_path / "disk" / "news", publisher)
        assert retold(root, "run").code == 0
        before = stored(root)
        publisher.edition = 2
        try:
            with disk_full(tmp_path / "disk", mounted, monkeypatch):
                broken = retold(root, "run")
            sentence = broken.error_sentence()
            assert broken.code == FAILED
            assert "is full" in sentence and str(root) in sentence, sentence
            after = stored(root)
            assert all(after[k] >= before[k] for k in before), (before, after)
            again = retold(root, "run")
            assert again.code == 0, again.err
        finally:
            publisher.edition = 1
        statuses = run_statuses(root)
        assert statuses[0] == "ok" and statuses[-1] == "ok", statuses
        # The run that met the full disk either recorded its failure or, when not even
        # that fitted, was found and marked by the next run; it never claims success.
        assert statuses[1:-1] in (["failed"], ["interrupted"], []), statuses


# -- the database locked ---------------------------------------------------------------------

LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


@contextlib.contextmanager
def locked_database(path: Path) -> Iterator[None]:
    """Another process holding an exclusive write transaction on ``path`` until the end."""
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert locker.stdout is not None and locker.stdin is not None
    try:
        assert locker.stdout.readline().strip() == "locked"
        yield
    finally:
        locker.stdin.write("\n")
        locker.stdin.close()
        locker.wait(timeout=30)


def test_database_locked_past_the_busy_timeout_fails_the_run_and_the_next_resumes(
    tmp_path: Path,
    publisher: SampleServer,
    retold: Callable[..., Outcome],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_newsroom(tmp_path / "news", publisher)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    real_verify = pipeline.verify_articles

    def verify_while_locked(*args: Any, **kwargs: Any) -> None:
        # Everything before verification is stored; now another program locks the database
        # for longer than Retold waits, and lets go once the run has given up.
        with locked_database(root / "retold.db"):
            real_verify(*args, **kwargs)

    monkeypatch.setattr(pipeline, "verify_articles", verify_while_locked)
    broken = retold(root, "run")
    sentence = broken.error_sentence()
    assert broken.code == FAILED
    assert "locked" in sentence and str(root / "retold.db") in sentence, sentence
    assert run_statuses(root) == ["failed"]
    before = stored(root)
    assert before["documents"] == 9 and before["articles"] >= 5  # written before the lock
    assert not (root / "site").exists()

    monkeypatch.setattr(pipeline, "verify_articles", real_verify)
    again = retold(root, "run")
    assert again.code == 0, again.err
    assert run_statuses(root) == ["failed", "ok"]
    assert stored(root) == before  # resumed: nothing redone, nothing duplicated
    assert (root / "site" / "index.html").is_file()


def test_database_locked_at_the_start_refuses_with_one_sentence(
    tmp_path: Path,
    publisher: SampleServer,
    retold: Callable[..., Outcome],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_newsroom(tmp_path / "news", publisher)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    with locked_database(root / "retold.db"):
        broken = retold(root, "run")
    assert broken.code == FAILED
    assert "locked" in broken.error_sentence()
    assert run_statuses(root) == []  # nothing could be recorded, and nothing was
    assert retold(root, "run").code == 0
    assert run_statuses(root) == ["ok"]
