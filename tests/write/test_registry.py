"""Writer backends come from plugins; unknown names get a helpful sentence."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator

import pytest

from retold.plugins import get_plugin_manager, hookimpl, reset_plugin_manager
from retold.records import Draft
from retold.write import (
    UnknownBackend,
    WriteBrief,
    WriterBackend,
    WriterConfigError,
    WriterSettings,
    cache_key,
    get_writer,
    writer_names,
)
from tests.write.conftest import load_sample


def test_builtin_writers_are_registered() -> None:
    assert {"extractive", "openai", "local"} <= set(writer_names())


def test_unknown_backend_suggests_the_closest_name() -> None:
    with pytest.raises(UnknownBackend) as err:
        get_writer(WriterSettings(backend="openia"))
    assert str(err.value) == "Unknown writer backend 'openia'; did you mean 'openai'?"
    with pytest.raises(UnknownBackend, match="choose one of: .*extractive"):
        get_writer(WriterSettings(backend="zzzz"))


def test_openai_without_key_or_url_is_a_clear_config_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(WriterConfigError, match="needs an API key"):
        get_writer(WriterSettings(backend="openai"))


def test_local_with_missing_file_is_a_clear_config_error() -> None:
    with pytest.raises(WriterConfigError):
        get_writer(WriterSettings(backend="local", model_path="/nonexistent/model.gguf"))


class _Echo:
    name = "echo"

    def __init__(self, settings: WriterSettings) -> None:
        self.settings = settings

    async def write(self, docs, *, brief):  # type: ignore[no-untyped-def]
        return Draft(
            headline=docs[0].title, standfirst="", paragraphs=[], teaser="", backend="echo"
        )


@pytest.fixture
def third_party_plugin() -> Iterator[None]:
    module = types.ModuleType("retold_echo_plugin")

    @hookimpl
    def register_writers(register):  # type: ignore[no-untyped-def]
        register("echo", _Echo, description="Says the title back.")

    module.register_writers = register_writers  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    get_plugin_manager().register(module)
    yield
    reset_plugin_manager()
    del sys.modules[module.__name__]


def test_a_third_party_plugin_registers_like_the_builtins(third_party_plugin: None) -> None:
    assert "echo" in writer_names()
    writer = get_writer(WriterSettings(backend="echo"))
    assert isinstance(writer, WriterBackend)
    draft = asyncio.run(
        writer.write([load_sample("northfield-courier/rovers-cup-final.md")], brief=WriteBrief())
    )
    assert draft.backend == "echo"


def test_cache_key_changes_with_what_changes_the_draft() -> None:
    doc = load_sample("northfield-courier/rovers-cup-final.md")
    s = WriterSettings(backend="openai", model="m")
    key = cache_key([doc], s, "article-v1")
    assert key == cache_key(
        [doc],
        WriterSettings(backend="openai", model="m", api_key="x", timeout=5, concurrency=9),
        "article-v1",
    )
    assert key != cache_key([doc], s, "article-v2")
    assert key != cache_key([doc], WriterSettings(backend="openai", model="n"), "article-v1")
    edited = type(doc)(**{**doc.__dict__, "text": doc.text + " More."})
    assert key != cache_key([edited], s, "article-v1")
