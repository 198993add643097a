"""A real newsroom (loopback publisher) run once over the pages in pages.py, on each store.

Every newsroom these tests make is on the module's store: SQLite (the newsroom's own
retold.db) or PostgreSQL (a fresh database of the session's throwaway cluster), so each
module runs once per store and asserts the same things on both. Tests read the store
back with `rows`, through the newsroom's own engine, never through a SQLite file.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from retold.config import CONFIG_NAME
from retold.newsroom import Newsroom
from retold.pipeline import run
from retold.samples_server import SampleServer
from retold.stages.report import RunReport
from retold.store import sources as sources_store
from tests.postgres import Postgres
from tests.stages.pages import write_site

_databases = itertools.count(1)


@dataclass
class Store:
    """Where this module's newsrooms keep their store: "sqlite" or "postgresql"."""

    kind: str
    postgres: Postgres | None = None

    def url(self) -> str:
        """retold.toml's store.url for one new newsroom: "" (retold.db), or a fresh database."""
        if self.postgres is None:
            return ""
        return self.postgres.create_database(f"stages_{os.getpid()}_{next(_databases)}")

    def init(self, root: Path, **scaffold: Any) -> Newsroom:
        """`Newsroom.init` on this store; retold.toml names it, so later opens (the CLI in a
        subprocess too) find the same store."""
        url = self.url()
        if not url:
            return Newsroom.init(root, **scaffold)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("RETOLD_STORE_URL", url)  # init opens the store before we edit the file
            room = Newsroom.init(root, **scaffold)
        assert room.db.url == url
        config = root / CONFIG_NAME
        toml = config.read_text(encoding="utf-8")
        assert "[store]\n" in toml
        config.write_text(toml.replace("[store]\n", f'[store]\nurl = "{url}"\n', 1), "utf-8")
        assert not (root / "retold.db").exists()
        return room


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Store:
    """The store of every newsroom in the module: each module runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return Store("sqlite")
    return Store("postgresql", request.getfixturevalue("postgres"))


def rows(where: Path | Newsroom, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (named parameters, ``:name``) in the store of the newsroom at
    ``where`` (its folder, or the open newsroom), through the newsroom's own engine."""
    if isinstance(where, Newsroom):
        with where.db.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    with Newsroom.open(where, upgrade=False) as room:
        return rows(room, sql, **params)


def json_value(value: Any) -> Any:
    """A JSON column read with plain SQL: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


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


def newsroom(
    root: Path, publisher: SampleServer, *paths: str, store: Store | None = None
) -> Newsroom:
    """A newsroom reading ``paths`` from ``publisher``; on SQLite unless ``store`` says."""
    store = store or Store("sqlite")
    room = store.init(root, allow_hosts=(publisher.netloc,), per_host_delay=0.0)
    with room.db.transaction() as session:
        for path in paths:
            sources_store.add_source(session, f"{publisher.base_url}/{path}", "auto")
    return room


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, publisher: SampleServer, store: Store) -> Ran:
    """Every page through every stage with the default (extractive) writer."""
    root = tmp_path_factory.mktemp("news") / "news"
    room = newsroom(root, publisher, "feed.xml", store=store)
    try:
        report = run(room)
    finally:
        room.close()
    return Ran(root, publisher.base_url, report)
