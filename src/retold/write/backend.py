"""The writer's small public interface: what a backend is and what it is given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from retold.llm.settings import LLMSettings
from retold.records import Draft, SourceDoc


@dataclass(frozen=True)
class WriteBrief:
    """What the newsroom asks for one article (the same for every backend)."""

    language: str = "en"
    site_title: str = ""
    imagine: bool = False  # only a headline/teaser was available: the seed label applies
    max_words: int = 250
    min_words: int = 120
    min_paragraphs: int = 3
    max_paragraphs: int = 6
    persona: str = ""  # the writer's voice, e.g. "an AI reporter for the Harbour Gazette"
    house_style: str = ""  # extra style notes for model backends
    category: str = ""  # the feed's category for this story, if any


@dataclass(frozen=True)
class WriterSettings(LLMSettings):
    """How to reach and drive a writer backend (from retold.toml and the environment).

    The model's own settings (backend, model, base_url, timeouts, retries, ...) are
    :class:`~retold.llm.settings.LLMSettings`; these are the writer's on top of them.
    """

    fallback: str = "extractive"  # "" = no fallback: a failed story raises WriterFailed
    prompts_dir: str = ""
    source_tokens: int = 3000  # budget for source text in a model prompt
    # The backend's own table from retold.toml ([writer.<backend>]), for plugins' settings.
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)


@runtime_checkable
class WriterBackend(Protocol):
    """Anything that turns source documents into a Draft."""

    name: str

    async def write(self, docs: Sequence[SourceDoc], *, brief: WriteBrief) -> Draft: ...
