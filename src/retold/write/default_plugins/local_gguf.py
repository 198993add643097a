"""The ``local`` writer: a GGUF model run in-process by llama-cpp-python.

The model itself (loading, the JSON grammar, the packaged SmolLM2 default) is
:mod:`retold.llm.gguf`; this module makes it a writer.
"""

from __future__ import annotations

from retold.llm import gguf
from retold.plugins import hookimpl
from retold.write.backend import WriterSettings
from retold.write.model_writer import ModelWriter, open_writer_model


class LocalWriter(ModelWriter):
    name = "local"

    def __init__(self, settings: WriterSettings) -> None:
        super().__init__(settings, open_writer_model(settings))


@hookimpl
def register_writers(register):  # type: ignore[no-untyped-def]
    register(
        gguf.NAME,
        LocalWriter,
        aliases=gguf.ALIASES,
        description="A GGUF model in-process via llama-cpp-python (default: SmolLM2-135M).",
    )
