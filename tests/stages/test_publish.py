"""The publish stage: a large site streams from the store and comes out the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.newsroom import Newsroom
from retold.stages import publish as publish_stage
from retold.stages.report import RunReport
from tests.sites import site_digest
from tests.stages.conftest import Ran


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
    assert site_digest(tmp_path / "streamed") == site_digest(tmp_path / "memory")
