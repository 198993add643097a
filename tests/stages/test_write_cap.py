"""`writer.max_per_run` caps the stories a model writes in one run; the rest wait for the
next run (the default) or, with `beyond_cap = "fallback"` (what the demo uses), are written
at once by the fallback writer, each saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.pipeline import run
from retold.samples_server import SampleServer
from retold.store import sources as sources_store
from tests.stages.conftest import Store, rows
from tests.write.fake_openai import FakeOpenAI, serve

PAGES = (
    "northfield-courier/news/council-budget-2027.html",
    "metro-wire/news/deep-sea-coral-reef.html",
    "harbour-gazette/news/herring-quota-cut.html",
)


def _run(
    root: Path,
    sample_server: SampleServer,
    monkeypatch: pytest.MonkeyPatch,
    beyond_cap: str,
    store: Store,
) -> tuple[dict[str, int], list[tuple[str, str, str]], int]:
    """(run counts, [(story status, backend, note)] per story, model requests)."""
    fake = FakeOpenAI(["echo"])  # a retelling of whichever story it is sent
    with serve(fake) as endpoint:
        for key, value in {
            "BACKEND": "openai",
            "BASE_URL": endpoint,
            "MODEL": "fake",
            "API_KEY": "test",
            "MAX_PER_RUN": "1",
            "BEYOND_CAP": beyond_cap,
        }.items():
            monkeypatch.setenv(f"RETOLD_WRITER_{key}", value)
        room = store.init(root, allow_hosts=(sample_server.netloc,), per_host_delay=0.0)
        with room.db.transaction() as session:
            for page in PAGES:
                sources_store.add_source(session, f"{sample_server.base_url}/{page}", "auto")
        try:
            report = run(room)
        finally:
            room.close()
    stories = rows(
        root,
        "SELECT s.status, coalesce(v.backend, ''), coalesce(v.note, '') FROM stories s "
        "LEFT JOIN articles a ON a.story_id = s.id "
        "LEFT JOIN article_versions v ON v.article_id = a.id AND v.version = 1 "
        "ORDER BY s.id",
    )
    return dict(report.counts), stories, len(fake.requests)


def test_stories_past_the_cap_wait_for_the_next_run(
    tmp_path: Path, sample_server: SampleServer, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    counts, stories, requests = _run(tmp_path / "news", sample_server, monkeypatch, "wait", store)
    assert requests == 1 and counts["stories_deferred"] == 2
    assert sorted(status for status, _, _ in stories) == ["new", "new", "written"]  # still to write


def test_stories_past_the_cap_go_to_the_fallback_writer_saying_so(
    tmp_path: Path, sample_server: SampleServer, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    counts, stories, requests = _run(
        tmp_path / "news", sample_server, monkeypatch, "fallback", store
    )
    assert requests == 1 and counts["stories_past_cap"] == 2
    assert "stories_deferred" not in counts
    assert all(status == "written" for status, _, _ in stories)
    assert sorted(backend for _, backend, _ in stories) == ["extractive", "extractive", "openai"]
    for _, backend, note in stories:
        if backend == "extractive":
            assert note.startswith(
                "The openai writer writes at most 1 story a run; the "
                "extractive writer wrote this one."
            )
