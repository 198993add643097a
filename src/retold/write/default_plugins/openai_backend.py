"""The ``openai`` writer: any OpenAI-compatible chat endpoint.

The HTTP client (structured-output fallbacks, error translation) is
:mod:`retold.llm.openai_client`; this module makes it a writer.
"""

from __future__ import annotations

from retold.llm import openai_client
from retold.plugins import hookimpl
from retold.write.backend import WriterSettings
from retold.write.model_writer import ModelWriter, open_writer_model


class OpenAIWriter(ModelWriter):
    name = "openai"

    def __init__(self, settings: WriterSettings) -> None:
        super().__init__(settings, open_writer_model(settings))


@hookimpl
def register_writers(register):  # type: ignore[no-untyped-def]
    register(
        openai_client.NAME,
        OpenAIWriter,
        aliases=openai_client.ALIASES,
        description="Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp).",
    )
