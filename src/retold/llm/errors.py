"""What can go wrong talking to a model, sorted by what the caller should do about it.

``Transient``, ``ServerDown`` and ``StoryError`` steer retries and the circuit breaker;
``ModelConfigError`` means the model cannot be reached with the settings given, and
carries one sentence for the user (writers and judges reword it as their own error).
"""

from __future__ import annotations

from retold.errors import RetoldError


class Transient(Exception):
    """Worth retrying: timeout, 429, 5xx, refused connection, truncated output."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class ServerDown(Exception):
    """No story will succeed (bad key, unknown model): stop at once."""


class StoryError(Exception):
    """This story cannot be written by the model (e.g. too long for its context)."""


class ModelConfigError(RetoldError):
    """The model cannot start with the settings it was given (missing key, file, library)."""


class NoModel(ModelConfigError):
    """The settings name no model transport (e.g. the extractive writer): nothing to ask."""
