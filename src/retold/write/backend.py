"""The writer's small public interface: what a backend is and what it is given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from retold.models import Draft, SourceDoc


@dataclass(frozen=True)
class WriteBrief:
    """What the newsroom asks for one article (the same for every backend)."""

    language: str = "en"
    site_title: str = ""
    imagine: bool = False  # only a headline/teaser was available: the seed label applies
    max_words: int = 450
    min_words: int = 120
    min_paragraphs: int = 3
    max_paragraphs: int = 6
    persona: str = ""  # the writer's voice, e.g. "an AI reporter for the Harbour Gazette"
    house_style: str = ""  # extra style notes for model backends
    category: str = ""  # the feed's category for this story, if any


@dataclass(frozen=True)
class WriterSettings:
    """How to reach and drive a writer backend (from retold.toml and the environment)."""

    backend: str = "extractive"
    model: str = ""
    base_url: str = ""
    api_key: str = ""
    model_path: str = ""
    temperature: float = 0.3
    max_tokens: int = 1500
    timeout: float = 120
    concurrency: int = 2
    retries: int = 3
    fallback: str = "extractive"  # "" = no fallback: a failed story raises WriterFailed
    prompts_dir: str = ""
    circuit_breaker: int = 5  # consecutive failed stories before WriterUnavailable
    backoff: float = 0.5  # first retry delay in seconds, doubled each time
    source_tokens: int = 3000  # budget for source text in a model prompt
    n_ctx: int = 4096  # context window for the in-process (local) backend


@runtime_checkable
class WriterBackend(Protocol):
    """Anything that turns source documents into a Draft."""

    name: str

    async def write(self, docs: Sequence[SourceDoc], *, brief: WriteBrief) -> Draft: ...
