"""Which model the local writer and the demo use when none is named: the embedded 1.5B once
it is installed in the model cache, else SmolLM2 (local) or the extractive writer (demo)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from retold.demo import AUTO, INSTALL_HINT, default_demo_dir, demo_writer
from retold.llm.catalog import QWEN_CODER_1_5B
from retold.llm.install import default_local_model, models_dir
from retold.newsroom import Newsroom


def _install_placeholder(cache: Path) -> Path:
    # Where `retold models install` puts the file; what is in it doesn't matter here.
    path = models_dir(cache) / QWEN_CODER_1_5B.file_name
    path.parent.mkdir(parents=True)
    path.write_bytes(b"GGUF")
    return path


def test_without_the_1_5b_the_demo_says_how_to_install_it_and_copies(tmp_path: Path) -> None:
    backend, note = demo_writer(AUTO, tmp_path)
    assert backend == "extractive"
    assert note.startswith(INSTALL_HINT.split(";")[0])
    assert "retold models install qwen2.5-coder-1.5b" in note
    assert demo_writer("openai", tmp_path) == ("openai", "")  # asked for: no note


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="needs retold[local]")
def test_with_the_1_5b_installed_the_demo_and_the_local_writer_use_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    model = _install_placeholder(cache)
    assert demo_writer(AUTO, cache) == ("local", "")
    assert default_local_model(cache) == model

    monkeypatch.setenv("RETOLD_CACHE_DIR", str(cache))
    with Newsroom.init(tmp_path / "news", backend="local") as room:
        assert room.writer_settings().model_path == str(model)
    monkeypatch.setenv("RETOLD_WRITER_MODEL_PATH", "models/mine.gguf")  # named: it wins
    with Newsroom.open(tmp_path / "news") as room:
        assert room.writer_settings().model_path == str(tmp_path / "news" / "models/mine.gguf")
    monkeypatch.delenv("RETOLD_WRITER_MODEL_PATH")
    monkeypatch.setenv("RETOLD_WRITER_BACKEND", "extractive")  # no model to ask: no path
    with Newsroom.open(tmp_path / "news") as room:
        assert room.writer_settings().model_path == ""


def test_each_writer_keeps_its_own_demo_newsroom(tmp_path: Path) -> None:
    # A second demo with the same writer reuses the first one's articles; another writer
    # (or other ports) never mixes its articles with them.
    local = default_demo_dir(tmp_path, "local", 8765, 8000, 8)
    assert local == default_demo_dir(tmp_path, "local", 8765, 8000, 8)
    assert local != default_demo_dir(tmp_path, "extractive", 8765, 8000, 8)
    assert local != default_demo_dir(tmp_path, "local", 8766, 8000, 8)
    # Asking the model for all the stories is another newsroom than asking it for eight.
    assert local != default_demo_dir(tmp_path, "local", 8765, 8000, 0)
    # The extractive writer writes everything either way.
    extractive = default_demo_dir(tmp_path, "extractive", 8765, 8000, 8)
    assert extractive == default_demo_dir(tmp_path, "extractive", 8765, 8000, 0)
