"""Opening a newsroom database: SQLite in WAL mode, migrated to the newest schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from retold.errors import RetoldError

MIGRATIONS = Path(__file__).parent / "migrations"
# How long a write waits for another program's write transaction before giving up with
# "database is locked" (the run then stops with one sentence; nothing stored is lost).
BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets `retold serve` read while `retold run` writes; NORMAL is durable enough in WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cursor.close()


class SchemaTooNew(RetoldError):
    """The database was migrated by a newer Retold (exit 2)."""


def database_url(path: Path) -> str:
    return f"sqlite:///{path}"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to head; a no-op (and cheap) when it already is."""
    cfg = alembic_config(str(engine.url))
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        # Opening it would fail deep inside Alembic; a downgrade would lose data.
        raise SchemaTooNew(
            f"This newsroom's database is at schema {current}, made by a newer Retold than "
            f"this one (which knows schemas up to {head}); upgrade Retold to open it."
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path) -> Database:
        return cls(database_url(path))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole, or rolled back whole."""
        with self._sessions() as session, session.begin():
            yield session

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()
