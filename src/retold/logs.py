"""Structured logs: one JSON object per line, with what the event was about.

``log_context(run_id=…, stage=…, story_id=…)`` binds fields for everything logged
inside it (through a context variable, so each asyncio task of the write stage keeps
its own story); :class:`JsonFormatter` writes them beside the time, level and message,
with any ``extra={…}`` fields of the call. `retold --log-format json` turns it on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_FIELDS: ContextVar[dict[str, Any]] = ContextVar("retold_log_fields", default={})  # noqa: B039 (never mutated)

# What a LogRecord carries on its own: everything else on it came from extra={...}.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every record logged inside the block (nested blocks add up)."""
    token = _FIELDS.set({**_FIELDS.get(), **fields})
    try:
        yield
    finally:
        _FIELDS.reset(token)


def context_fields() -> dict[str, Any]:
    return dict(_FIELDS.get())


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record (as ``extra`` would)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _FIELDS.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                event[key] = value
        if record.exc_info:
            event["error"] = self.formatException(record.exc_info)
        return json.dumps(event, default=str, ensure_ascii=False)
