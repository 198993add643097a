"""One model reply, and what every transport offers: ``complete(messages, schema)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from retold.llm.settings import LLMSettings

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    finish_reason: str = "stop"


@runtime_checkable
class ChatModel(Protocol):
    """A model behind some transport, asked for one JSON-shaped chat reply at a time."""

    settings: LLMSettings  # as resolved by the transport (defaults filled in)

    @property
    def where(self) -> str:
        """Where the model runs, for messages ("http://127.0.0.1:8080/v1", a file path)."""
        ...

    async def complete(self, messages: Messages, schema: dict[str, Any]) -> Completion:
        """One reply; raises Transient, ServerDown, StoryError or ModelConfigError."""
        ...
