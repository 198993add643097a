"""Redis for the worker tests (PostgreSQL comes from tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.redis_server import RedisServer, binary


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    if binary() is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: scripts/system-deps.sh should have installed it")
        pytest.skip("redis-server is not installed (scripts/system-deps.sh installs it as root)")
    root = Path(tempfile.mkdtemp(prefix="retold-redis-"))
    server = RedisServer(root)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url
