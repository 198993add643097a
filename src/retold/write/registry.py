"""The writer's names for the one plugin registry (:mod:`retold.plugins`)."""

from __future__ import annotations

from retold import plugins
from retold.write.backend import WriterBackend, WriterSettings
from retold.write.errors import UnknownBackend


def writer_names() -> list[str]:
    """Names of the registered writer backends (no aliases), sorted."""
    return plugins.names("writer")


def get_writer(settings: WriterSettings) -> WriterBackend:
    """Build the backend named by ``settings.backend``."""
    backend: WriterBackend = plugins.build(
        "writer", settings.backend, settings, unknown=UnknownBackend
    )
    return backend
