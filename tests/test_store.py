"""The store: migrations, WAL, source health and back-off, document versions (the
store_url tests run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from retold.records import Extracted
from retold.store import documents as docs_store
from retold.store import schema as store_schema
from retold.store import sources as sources_store
from retold.store.db import Database
from retold.store.schema import utcnow


def test_migrations_create_every_table_in_wal_mode(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "retold.db")
    db.close()
    Database.open(tmp_path / "retold.db").close()  # a second open is a no-op migration
    with sqlite3.connect(tmp_path / "retold.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {"sources", "documents", "document_versions", "stories", "articles",
            "article_versions", "sentence_checks", "runs", "write_cache",
            "document_signatures"} <= tables
    migrations = Path(store_schema.__file__).parent / "migrations" / "versions"
    assert version == max(p.name[:4] for p in migrations.glob("[0-9]*.py"))  # the newest


def test_backoff_grows_and_resets_on_success(store_url: str) -> None:
    db = Database(store_url)
    with db.transaction() as session:
        source, created = sources_store.add_source(session, "https://x.org/feed", "auto")
        assert created
        assert not sources_store.add_source(session, "https://x.org/feed", "auto")[1]
        sources_store.record_failure(source, "boom")
        assert sources_store.health(source) == "failing"  # one blip: no back-off yet
        assert sources_store.due_sources(session, utcnow())
        sources_store.record_failure(source, "boom")
        assert sources_store.health(source) == "backing off"
        assert not sources_store.due_sources(session, utcnow())
        assert sources_store.due_sources(session, utcnow() + timedelta(minutes=6))
        assert sources_store.due_sources(session, utcnow(), force=True)
        sources_store.record_success(source, 5)
        assert sources_store.health(source) == "ok" and source.consecutive_failures == 0
    assert sources_store.backoff_delay(3) == timedelta(minutes=10)
    assert sources_store.backoff_delay(30) == sources_store.BACKOFF_MAX
    db.close()


def test_a_changed_page_is_a_new_version_and_the_same_page_is_not(store_url: str) -> None:
    db = Database(store_url)
    text = Extracted(title="T", text="First text.")
    with db.transaction() as session:
        doc, _ = docs_store.upsert_stub(session, url="https://x.org/a", fetch_url="https://x.org/a",
                                        source_id=None, item=None, revisit=timedelta(hours=48))
        assert docs_store.store_extraction(session, doc, raw=b"<p>1</p>", content_type="text/html",
                                           extracted=text, content_hash="h1")
        assert not docs_store.store_extraction(session, doc, raw=b"<p>1</p>",
                                               content_type="text/html", extracted=text,
                                               content_hash="h1")
        changed = Extracted(title="T", text="Second text.")
        assert docs_store.store_extraction(session, doc, raw=b"<p>2</p>", content_type="text/html",
                                           extracted=changed, content_hash="h2")
        assert doc.version == 2 and doc.text == "Second text."
        assert [docs_store.raw_bytes(v) for v in doc.versions] == [b"<p>1</p>", b"<p>2</p>"]
        again, created = docs_store.upsert_stub(
            session, url="https://x.org/a", fetch_url="https://x.org/a", source_id=None,
            item=None, revisit=timedelta(hours=48))
        assert not created and again.refetch  # recent: recheck it for updates
    db.close()


def test_a_database_from_a_newer_retold_is_refused_with_a_sentence(tmp_path: Path) -> None:
    from tests.test_cli import retold

    room = tmp_path / "news"
    assert retold("init", str(room)).returncode == 0
    with sqlite3.connect(room / "retold.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9001'")
    for command in ("status", "run", "build"):
        done = retold("-d", str(room), command)
        assert done.returncode == 2, done.stderr
        assert "schema 9001, made by a newer Retold" in done.stderr
        assert "Traceback" not in done.stderr
    with sqlite3.connect(room / "retold.db") as conn:  # and nothing was changed
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9001"
