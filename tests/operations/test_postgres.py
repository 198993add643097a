"""PostgreSQL as the store: the same schema through the same migrations, the whole
pipeline on it giving the same site as on SQLite, and clear sentences when it fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from retold.newsroom import Newsroom
from retold.samples_server import SampleServer, samples_dir
from retold.store.db import Database
from retold.store.schema import Base
from tests.conftest import sample_newsroom
from tests.sites import site_digest

FEEDS = ("harbour-gazette/rss.xml", "northfield-courier/atom.xml", "metro-wire/rss.xml")


def test_migrations_build_the_same_schema_on_postgresql(pg_database: Callable[[], str]) -> None:
    url = pg_database()
    Database(url).close()
    Database(url).close()  # a second open is a no-op migration
    with psycopg.connect(url) as conn:
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        }
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or ("",)
    assert set(Base.metadata.tables) <= tables
    migrations = Path(__file__).resolve().parents[2] / "src/retold/store/migrations/versions"
    assert version == max(p.name[:4] for p in migrations.glob("[0-9]*.py"))


def newsroom(root: Path, server: SampleServer) -> Path:
    return sample_newsroom(root, server, FEEDS)


def run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", "-q", "-d", str(root), *args],
        capture_output=True, text=True, timeout=900, env={**os.environ, **env},
    )  # fmt: skip


@dataclass
class Ran:
    server: SampleServer
    root: Path  # a newsroom of the samples, run once on SQLite
    report: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ran]:
    server = SampleServer(samples_dir()).start()
    try:
        root = newsroom(tmp_path_factory.mktemp("sqlite") / "news", server)
        done = run(root, {}, "run", "--json")
        assert done.returncode == 0, done.stderr
        yield Ran(server, root, done)
    finally:
        server.stop()


def test_a_newsroom_on_postgresql_publishes_what_it_would_on_sqlite(
    tmp_path: Path, on_sqlite: Ran, pg_database: Callable[[], str]
) -> None:
    sample_server, done = on_sqlite.server, on_sqlite.report

    url = pg_database()
    on_pg = tmp_path / "pg"
    (on_pg / "prompts").mkdir(parents=True)
    (on_pg / "retold.toml").write_text((on_sqlite.root / "retold.toml").read_text())
    env = {"RETOLD_STORE_URL": url}
    added = run(on_pg, env, "add", *(f"{sample_server.base_url}/{feed}" for feed in FEEDS))
    assert added.returncode == 0, added.stderr
    done_pg = run(on_pg, env, "run", "--json")
    assert done_pg.returncode == 0, done_pg.stderr
    counts, counts_pg = json.loads(done.stdout)["counts"], json.loads(done_pg.stdout)["counts"]
    assert counts_pg["articles_published"] == counts["articles_published"] > 10
    assert site_digest(on_pg / "site") == site_digest(on_sqlite.root / "site")
    assert not (on_pg / "retold.db").exists()  # nothing went to a SQLite file

    status = json.loads(run(on_pg, env, "status", "--json").stdout)
    assert status["counts"]["articles_published"] == counts["articles_published"]
    again = run(on_pg, env, "run", "--json")  # and a second run on it is a quiet one
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"].get("articles_written", 0) == 0


def test_an_unreachable_store_is_one_sentence(tmp_path: Path) -> None:
    from tests.conftest import free_port

    root = tmp_path / "news"
    Newsroom.init(root).close()
    url = f"postgresql://retold:secret@127.0.0.1:{free_port()}/news"
    for command in ("status", "run"):
        done = run(root, {"RETOLD_STORE_URL": url}, command)
        assert done.returncode == 1, done.stderr
        assert "Could not open the store at postgresql+psycopg://retold:***@127.0.0.1" in (
            done.stderr
        )
        assert "secret" not in done.stderr and "Traceback" not in done.stderr


def test_a_typo_in_the_store_url_is_a_configuration_error(tmp_path: Path) -> None:
    root = tmp_path / "news"
    Newsroom.init(root).close()
    done = run(root, {"RETOLD_STORE_URL": "mysql://x@y/z"}, "status")
    assert done.returncode == 2 and "postgresql://" in done.stderr
    assert "Traceback" not in done.stderr


def test_migrate_copies_a_sqlite_newsroom_into_postgresql_without_loss(
    tmp_path: Path, on_sqlite: Ran, pg_database: Callable[[], str]
) -> None:
    root = tmp_path / "news"
    shutil.copytree(on_sqlite.root, root)
    before = site_digest(root / "site")
    status = json.loads(run(root, {}, "status", "--json").stdout)

    url = pg_database()
    done = run(root, {}, "migrate", "--to", url, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["same"] and {t["table"] for t in report["tables"]} >= {"articles", "runs"}
    by_table = {t["table"]: t for t in report["tables"]}
    assert by_table["sentence_checks"]["rows"] == by_table["sentence_checks"]["copied"] > 50
    assert all(t["checksum"] == t["target_checksum"] for t in report["tables"])

    # The newsroom now on PostgreSQL: the same status, the same site rebuilt from it, and
    # a new run adds rows after the copied ids.
    env = {"RETOLD_STORE_URL": url}
    moved = json.loads(run(root, env, "status", "--json").stdout)
    assert moved["counts"] == status["counts"]
    (root / "site").rename(tmp_path / "old-site")
    assert run(root, env, "build").returncode == 0
    assert site_digest(root / "site") == before
    again = run(root, env, "run", "--force", "--json")
    assert again.returncode == 0, again.stderr

    # Into a database that already holds a newsroom: refused, nothing touched.
    twice = run(root, {}, "migrate", "--to", url)
    assert twice.returncode == 2 and "already holds data" in twice.stderr
