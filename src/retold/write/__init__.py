"""The writer stage: turn a story's source documents into a Draft.

from retold.write import WriterSettings, WriteBrief, get_writer
writer = get_writer(WriterSettings(backend="openai", model="gpt-4o-mini"))
draft = await writer.write(docs, brief=WriteBrief(site_title="Harbour News"))
"""

from retold.write.backend import WriteBrief, WriterBackend, WriterSettings
from retold.write.cache import cache_key
from retold.write.errors import (
    UnknownBackend,
    WriterConfigError,
    WriterError,
    WriterFailed,
    WriterUnavailable,
)
from retold.write.registry import get_writer, writer_names

__all__ = [
    "UnknownBackend",
    "WriteBrief",
    "WriterBackend",
    "WriterConfigError",
    "WriterError",
    "WriterFailed",
    "WriterSettings",
    "WriterUnavailable",
    "cache_key",
    "get_writer",
    "writer_names",
]
