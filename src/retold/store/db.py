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
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError
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


class SchemaTooOld(RetoldError):
    """A worker found the database at an older schema than its code (exit 2)."""


class StoreUnavailable(RetoldError):
    """The PostgreSQL server can't be reached or refused us (exit 1: the surroundings)."""

    exit_code = 1


def database_url(path: Path) -> str:
    return f"sqlite:///{path}"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def engine_url(url: str) -> str:
    """``url`` with PostgreSQL spelled for the psycopg 3 driver Retold installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = engine_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A stale pooled connection (the server restarted) is replaced, not handed out; the
    # server's own lock_timeout matches SQLite's busy timeout.
    return create_engine(
        url,
        future=True,
        pool_pre_ping=True,
        connect_args={"options": f"-c lock_timeout={BUSY_TIMEOUT_MS}", "connect_timeout": 10},
    )


def describe(url: str) -> str:
    """The store's address for messages: never its password."""
    return make_url(engine_url(url)).render_as_string(hide_password=True)


def schema_revisions(engine: Engine) -> tuple[str | None, str | None, set[str]]:
    """(the database's schema revision, the newest this code knows, every one it knows)."""
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, script.get_current_head(), {r.revision for r in script.walk_revisions()}


def require_current(engine: Engine) -> None:
    """Refuse a database at another schema than this code's, without changing it.

    Workers call this instead of migrating: a schema changes once, from one place, while
    workers on other machines may still run the older code.
    """
    current, head, known = schema_revisions(engine)
    if current == head:
        return
    where = describe(str(engine.url))
    if current is None or current in known:
        raise SchemaTooOld(
            f"The store at {where} is at schema {current or 'none'} and this Retold needs "
            f"{head}; upgrade it once with `retold migrate` (no arguments) from one machine, "
            "then start the workers."
        )
    migrate(engine)  # newer: migrate() gives its own refusal


def migrate(engine: Engine) -> None:
    """Bring the schema to head; a no-op (and cheap) when it already is."""
    cfg = alembic_config(str(engine.url))
    current, head, known = schema_revisions(engine)
    if current == head:
        return
    if current is not None and current not in known:
        # Opening it would fail deep inside Alembic; a downgrade would lose data.
        raise SchemaTooNew(
            f"This newsroom's database is at schema {current}, made by a newer Retold than "
            f"this one (which knows schemas up to {head}); upgrade Retold to open it."
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        """Open the store; ``upgrade=False`` refuses an older schema instead of migrating."""
        self.url = url
        self.engine = make_engine(url)
        try:
            if upgrade:
                migrate(self.engine)
            else:
                require_current(self.engine)
        except OperationalError as err:
            if url.startswith("sqlite"):
                raise
            self.engine.dispose()
            reason = str(err.orig or err).strip().splitlines()[0]
            raise StoreUnavailable(
                f"Could not open the store at {describe(url)} ({reason.rstrip('.')})."
            ) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path, *, upgrade: bool = True) -> Database:
        return cls(database_url(path), upgrade=upgrade)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole, or rolled back whole."""
        with self._sessions() as session, session.begin():
            yield session

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()
