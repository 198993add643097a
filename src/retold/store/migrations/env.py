"""Alembic environment: runs on the connection Database.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from retold.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # invoked from the alembic command line
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _migrate(conn)
    else:
        _migrate(connection)


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can't ALTER most things; batch mode copies tables
    )
    with context.begin_transaction():
        context.run_migrations()


run()
