"""The cluster stage keeps each document's signature and reads it back on later runs,
recomputing it only for a changed text, a changed construction or an unreadable row."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from retold.newsroom import Newsroom
from retold.stages import cluster as cluster_stage
from retold.stages.cluster import cluster_documents
from retold.stages.report import RunReport
from retold.store.schema import Document, DocumentSignature, utcnow
from retold.stories.cluster import (
    SIGNATURE_CONSTRUCTION,
    DocSignature,
    decode_signature,
    signature,
)
from tests.stories.test_cluster import BRIDGE, BRIDGE_REWORDED

OTHER = (
    "The Lantern Street library will open on Sundays from April, the head librarian "
    "Marisol Quenby said. The trial costs 86,000 crowns and runs for 26 weeks."
)


def add(room: Newsroom, url: str, title: str, text: str) -> int:
    with room.db.transaction() as session:
        doc = Document(
            url=url, fetch_url=url, status="ready", title=title, text=text, version=1,
            published=utcnow(),
        )  # fmt: skip
        session.add(doc)
        session.flush()
        return doc.id


def stored(room: Newsroom) -> dict[int, DocumentSignature]:
    with room.db.transaction() as session:
        rows = session.scalars(select(DocumentSignature))
        return {row.document_id: row for row in rows}


def test_signatures_are_stored_reused_and_recomputed_when_stale(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    store_url: str,
) -> None:
    monkeypatch.setenv("RETOLD_STORE_URL", store_url)  # on SQLite and on PostgreSQL
    room = Newsroom.init(tmp_path / "news")
    try:
        first = add(room, "https://a.example/bridge", "Bridge to close", BRIDGE)
        other = add(room, "https://b.example/library", "Library opens on Sundays", OTHER)
        third = add(room, "https://b.example/river", "River walk", OTHER.replace("library", "path"))
        cluster_documents(room, RunReport())
        rows = stored(room)
        assert set(rows) == {first, other, third}
        assert all(
            r.construction == SIGNATURE_CONSTRUCTION and r.version == 1 for r in rows.values()
        )
        kept = decode_signature(first, rows[first].data, None)
        fresh = signature(first, "Bridge to close", BRIDGE)
        assert (kept.fingerprint, kept.terms, kept.names, kept.numbers) == (
            fresh.fingerprint, fresh.terms, fresh.names, fresh.numbers,
        )  # fmt: skip

        # The next run reads them back: a damaged row is recomputed with a warning, a
        # row of an older text version is replaced, and the new document still finds
        # its story through the stored signature of the first.
        with room.db.transaction() as session:
            damaged = session.get(DocumentSignature, other)
            assert damaged is not None
            damaged.data = b"not a signature"
            changed = session.get(Document, first)
            assert changed is not None
            changed.version = 2
        computed: list[object] = []

        def counted(key: object, *args: Any) -> DocSignature:
            computed.append(key)
            return signature(key, *args)

        monkeypatch.setattr(cluster_stage, "signature", counted)
        report = RunReport()
        with caplog.at_level(logging.WARNING, logger="retold"):
            late = add(room, "https://c.example/bridge", "Hangers corroded", BRIDGE_REWORDED)
            cluster_documents(room, report)
        assert report.counts["documents_joined_story"] == 1
        assert f"signature of document {other} is unreadable" in caplog.text
        rows = stored(room)
        assert rows[first].version == 2 and rows[other].data != b"not a signature"
        assert set(rows) == {first, other, third, late}
        assert sorted(computed) == sorted([first, other, late])  # not the third: reused
    finally:
        room.close()
