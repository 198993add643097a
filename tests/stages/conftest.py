"""A real newsroom (SQLite, loopback publisher) run once over the pages in pages.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from retold.newsroom import Newsroom
from retold.pipeline import run
from retold.samples_server import SampleServer
from retold.stages.report import RunReport
from retold.store import sources as sources_store
from tests.stages.pages import write_site


@dataclass
class Ran:
    root: Path  # the newsroom
    base: str  # the publisher's address
    report: RunReport


@pytest.fixture(scope="module")
def publisher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleServer]:
    root = tmp_path_factory.mktemp("publisher")
    write_site(root)
    server = SampleServer(root).start()
    try:
        yield server
    finally:
        server.stop()


def newsroom(root: Path, publisher: SampleServer, *paths: str) -> Newsroom:
    room = Newsroom.init(root, allow_hosts=(publisher.netloc,), per_host_delay=0.0)
    with room.db.transaction() as session:
        for path in paths:
            sources_store.add_source(session, f"{publisher.base_url}/{path}", "auto")
    return room


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, publisher: SampleServer) -> Ran:
    """Every page through every stage with the default (extractive) writer."""
    root = tmp_path_factory.mktemp("news") / "news"
    room = newsroom(root, publisher, "feed.xml")
    try:
        report = run(room)
    finally:
        room.close()
    return Ran(root, publisher.base_url, report)
