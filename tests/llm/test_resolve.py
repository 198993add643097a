"""open_model: the one place settings become a transport, for writers and judges alike."""

from __future__ import annotations

import asyncio
import importlib.util
import re

import pytest

from retold.config import parse_settings
from retold.errors import RetoldError
from retold.llm.errors import ModelConfigError, NoModel, ServerDown, Transient
from retold.llm.gguf import GGUFModel
from retold.llm.openai_client import OpenAIModel
from retold.llm.resolve import open_model
from retold.llm.settings import LLMSettings
from retold.write.backend import WriterSettings
from tests.write.fake_openai import FakeOpenAI, serve


@pytest.fixture(autouse=True)
def _no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RETOLD_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("name", ["openai", "openai-compatible", " OpenAI "])
def test_openai_names_and_aliases_open_the_http_client(name: str) -> None:
    model = open_model(LLMSettings(backend=name, base_url="http://127.0.0.1:9/v1"))
    assert isinstance(model, OpenAIModel)
    assert model.where == "http://127.0.0.1:9/v1"
    assert model.settings.model == "default"  # single-model local servers ignore the name


@pytest.mark.parametrize("name", ["local", "gguf", "llama-cpp"])
def test_local_names_and_aliases_open_the_gguf_model(name: str) -> None:
    settings = LLMSettings(backend=name, model_path="/nonexistent/model.gguf")
    # Either llama.cpp is missing or the file is: a one-sentence config error, not a crash.
    with pytest.raises(ModelConfigError, match="llama-cpp-python|does not exist"):
        open_model(settings)


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="no llama-cpp-python")
def test_a_local_model_is_named_after_its_file_and_loads_lazily(tmp_path) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "tiny.gguf"
    garbage.write_bytes(b"not a gguf file")
    model = open_model(LLMSettings(backend="local", model_path=str(garbage)))
    assert isinstance(model, GGUFModel)
    assert (model.where, model.settings.model) == (str(garbage), "tiny.gguf")
    with pytest.raises(ModelConfigError, match="llama.cpp could not load"):
        asyncio.run(model.complete([{"role": "user", "content": "hi"}], {"type": "object"}))


def test_a_name_that_is_no_transport_has_no_model() -> None:
    with pytest.raises(NoModel, match="^The extractive writer has no model to ask.$"):
        open_model(LLMSettings())
    assert issubclass(NoModel, ModelConfigError) and issubclass(ModelConfigError, RetoldError)


def test_openai_config_errors_are_one_sentence() -> None:
    with pytest.raises(ModelConfigError, match=r"needs an API key \(OPENAI_API_KEY\)"):
        open_model(LLMSettings(backend="openai"))
    with pytest.raises(ModelConfigError, match=r"needs a model name \(writer.model"):
        open_model(LLMSettings(backend="openai", api_key="sk-test"))
    model = open_model(LLMSettings(backend="openai", base_url="http://127.0.0.1:9/v1"))
    assert (model.where, model.settings.model) == ("http://127.0.0.1:9/v1", "default")


def test_the_environment_reaches_the_model_only_through_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # config.py is the one reader of the environment: OPENAI_BASE_URL and RETOLD_MODEL
    # become [writer] settings there, and the transport takes only what it is given.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RETOLD_MODEL", "m")
    writer = parse_settings({}).writer
    assert (writer.base_url, writer.model) == ("http://127.0.0.1:9/v1", "m")
    with pytest.raises(ModelConfigError, match="needs an API key"):
        open_model(LLMSettings(backend="openai"))


def test_writer_settings_keep_their_own_fields_through_a_transport() -> None:
    settings = WriterSettings(backend="openai", base_url="http://127.0.0.1:9/v1", fallback="")
    model = open_model(settings)
    assert isinstance(model.settings, WriterSettings) and model.settings.fallback == ""


def test_the_http_client_sorts_server_errors_for_the_caller() -> None:
    messages = [{"role": "user", "content": "hi"}]
    for script, error, text in (
        (["401"], ServerDown, "refused the API key (HTTP 401)"),
        (["500"], Transient, "HTTP 500 from http://127.0.0.1"),
        (["429"], Transient, "rate limited (HTTP 429)"),
    ):
        with serve(FakeOpenAI(script)) as url:
            model = open_model(LLMSettings(backend="openai", base_url=url, model="m", timeout=5))
            with pytest.raises(error, match=re.escape(text)) as caught:
                asyncio.run(model.complete(messages, {"type": "object"}))
        if script == ["429"]:
            assert caught.value.retry_after == pytest.approx(0.05)  # type: ignore[attr-defined]
