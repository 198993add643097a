"""The ``local`` writer: a GGUF model run in-process by llama-cpp-python.

The model itself (loading, the JSON grammar, the packaged SmolLM2 default) is
:mod:`retold.llm.gguf`; this module makes it a writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from retold.llm import gguf
from retold.plugins import hookimpl
from retold.records import Draft, SourceDoc
from retold.write.backend import WriteBrief, WriterSettings
from retold.write.errors import WriterConfigError
from retold.write.model_writer import ModelWriter, Usage, open_writer_model
from retold.write.sentencewise import write_sentencewise

# On two CPU cores a 1.5B model reads about 35 tokens a second and writes about 7 under
# the JSON grammar: with method = "article", the lede and the main facts (news puts them
# first) and a reply of at most 250 words keep a story within a few minutes.
LOCAL_SOURCE_TOKENS = 1000
LOCAL_MAX_TOKENS = 800
METHODS = ("sentences", "article")


class LocalWriter(ModelWriter):
    """Writes sentence by sentence (see write/sentencewise.py), what a small model does
    well; ``[writer.local] method = "article"`` asks for the whole article in one reply."""

    name = "local"

    def __init__(self, settings: WriterSettings) -> None:
        self.method = str(settings.options.get("method", METHODS[0]))
        if self.method not in METHODS:
            raise WriterConfigError(
                f"Unknown [writer.local] method {self.method!r}; use one of {', '.join(METHODS)}."
            )
        settings = replace(
            settings,
            source_tokens=min(settings.source_tokens, LOCAL_SOURCE_TOKENS),
            max_tokens=min(settings.max_tokens, LOCAL_MAX_TOKENS),
        )
        super().__init__(settings, open_writer_model(settings))

    async def _compose(self, docs: Sequence[SourceDoc], brief: WriteBrief, usage: Usage) -> Draft:
        if self.method == "article":
            return await super()._compose(docs, brief, usage)
        return await write_sentencewise(
            lambda messages, schema: self._ask_data(messages, schema, usage),
            docs,
            brief,
            self.settings.prompts_dir,
        )


@hookimpl
def register_writers(register):  # type: ignore[no-untyped-def]
    register(
        gguf.NAME,
        LocalWriter,
        aliases=gguf.ALIASES,
        description="A GGUF model in-process via llama-cpp-python (default: SmolLM2-135M).",
    )
