"""Copy a whole store into another (a SQLite newsroom into PostgreSQL), and prove it.

Both sides are first brought to the newest schema by the same migrations; the target must
be empty. Tables are copied parent before child in batches, PostgreSQL's id sequences
are moved past the copied ids, and then every table is compared: row counts and a
checksum over each row's values in id order (times as UTC, bytes as hex, JSON with
sorted keys), so "copied" means "the same data", not "no error".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

from retold.errors import RetoldError
from retold.store.db import Database
from retold.store.schema import Base

BATCH = 1_000


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    copied: int
    checksum: str
    target_checksum: str

    @property
    def same(self) -> bool:
        return self.rows == self.copied and self.checksum == self.target_checksum


def copy_store(source: Database, target: Database) -> list[TableCopy]:
    """Copy every table of ``source`` into the empty ``target``; what each table got."""
    tables = Base.metadata.sorted_tables
    with target.engine.connect() as conn:
        filled = [t.name for t in tables if conn.scalar(select(func.count()).select_from(t))]
    if filled:
        raise RetoldError(
            f"The target store already holds data (in {', '.join(filled[:3])}); "
            "copy into an empty database."
        )
    with source.engine.connect() as src, target.engine.begin() as dst:
        for table in tables:
            for batch in _batches(src, table):
                dst.execute(table.insert(), batch)
        if dst.dialect.name == "postgresql":
            _advance_sequences(dst)
    report = []
    with source.engine.connect() as src, target.engine.connect() as dst:
        for table in tables:
            rows, checksum = table_checksum(src, table)
            copied, target_checksum = table_checksum(dst, table)
            report.append(TableCopy(table.name, rows, copied, checksum, target_checksum))
    return report


def _batches(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    result = conn.execution_options(stream_results=True).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    while rows := result.mappings().fetchmany(BATCH):
        yield [dict(row) for row in rows]


def _advance_sequences(conn: Connection) -> None:
    """Point each integer id sequence past the copied ids, so new rows get new ones."""
    for table in Base.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = conn.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence:
                conn.execute(
                    text(
                        f"SELECT setval('{sequence}', "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )


def table_checksum(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, sha256 of every row's normalised values in primary-key order)."""
    digest = hashlib.sha256()
    rows = 0
    for batch in _batches(conn, table):
        for row in batch:
            values = [_normalise(row[c.name]) for c in table.columns]
            digest.update(json.dumps(values, sort_keys=True, ensure_ascii=False).encode())
            rows += 1
    return rows, digest.hexdigest()


def _normalise(value: Any) -> Any:
    # The two databases hand the same value back differently: SQLite's times are naive
    # (stored as UTC), PostgreSQL's carry their zone.
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value
