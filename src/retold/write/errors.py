"""Errors the writer raises; each carries one clear sentence for the user."""

from __future__ import annotations


class WriterError(Exception):
    """Base class for every writer error."""


class UnknownBackend(WriterError):
    """No writer backend is registered under the requested name."""


class WriterConfigError(WriterError):
    """A backend cannot start with the settings it was given (missing model, bad URL)."""


class WriterUnavailable(WriterError):
    """The model behind a backend keeps failing; leave remaining stories pending."""


class WriterFailed(WriterError):
    """One story could not be written and no fallback writer was configured."""
