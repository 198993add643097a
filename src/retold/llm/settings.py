"""How to reach and drive a language model: the transport's share of ``[writer]``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LLMSettings:
    """Which model, where, and how patiently to ask it.

    ``backend`` names the transport ("openai", "local" or an alias); any other name
    (the default, the extractive writer) means there is no model to ask. Writers extend
    this with settings of their own; the llm judge is given the writer's.
    """

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
    circuit_breaker: int = 5  # consecutive failed stories before the model counts as down
    backoff: float = 0.5  # first retry delay in seconds, doubled each time
    n_ctx: int = 4096  # context window for the in-process (local) backend
