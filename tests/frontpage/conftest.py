"""A newsroom of the samples, run once for the front-page tests (real server, real store)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from retold.samples_server import SampleServer, samples_dir
from tests.conftest import sample_newsroom

# The wire story (Metro Wire's frost report, reprinted by the Gazette) is in these feeds.
FEEDS = ("harbour-gazette/rss.xml", "northfield-courier/atom.xml", "metro-wire/rss.xml")


def retold(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", "-q", "-d", str(root), *args],
        capture_output=True, text=True, timeout=900, env={**os.environ, **(env or {})},
    )  # fmt: skip


@dataclass
class Room:
    root: Path
    server: SampleServer

    @property
    def site(self) -> Path:
        return self.root / "site"


@pytest.fixture(scope="session")
def sample_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    server = SampleServer(samples_dir()).start()
    try:
        root = sample_newsroom(tmp_path_factory.mktemp("frontpage") / "news", server, FEEDS)
        done = retold(root, "run")
        assert done.returncode == 0, done.stderr
        yield Room(root, server)
    finally:
        server.stop()
