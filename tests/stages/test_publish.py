"""The publish stage: a large site streams from the store and comes out the same."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from retold.newsroom import Newsroom
from retold.stages import publish as publish_stage
from retold.stages.report import RunReport
from tests.stages.conftest import Ran


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_streamed_build_equals_the_in_memory_one(
    ran: Ran, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = Newsroom.open(ran.root)
    try:
        with room.db.transaction() as session:
            in_memory = publish_stage.article_pages(session)
        streamed = list(publish_stage.stream_pages(room, batch=2))
        assert len(in_memory) >= 3  # several batches
        assert streamed == in_memory

        monkeypatch.setattr(room.settings.site, "output_dir", str(tmp_path / "memory"))
        publish_stage.publish(room, RunReport())
        monkeypatch.setattr(publish_stage, "STREAM_ABOVE", 0)
        monkeypatch.setattr(room.settings.site, "output_dir", str(tmp_path / "streamed"))
        report = RunReport()
        publish_stage.publish(room, report)
    finally:
        room.close()
    assert report.counts["site_articles"] == len(in_memory)
    assert tree(tmp_path / "streamed") == tree(tmp_path / "memory")
