"""Find writer backends registered by plugins and build one from settings."""

from __future__ import annotations

from collections.abc import Callable

from retold.plugins import Registration, collect, unknown_name
from retold.write.backend import WriterBackend, WriterSettings
from retold.write.errors import UnknownBackend, WriterError

Factory = Callable[[WriterSettings], WriterBackend]


def registrations() -> dict[str, Registration[Factory]]:
    """Every registered backend by name (aliases included), asking plugins afresh."""
    return collect("register_writers", "writer", WriterError)


def writer_names() -> list[str]:
    """Names of the registered writer backends (no aliases), sorted."""
    return sorted({reg.name for reg in registrations().values()})


def get_writer(settings: WriterSettings) -> WriterBackend:
    """Build the backend named by ``settings.backend``."""
    regs = registrations()
    reg = regs.get(settings.backend.strip().lower())
    if reg is None:
        raise UnknownBackend(
            unknown_name("writer backend", settings.backend, sorted(regs), sorted(regs))
        )
    return reg.factory(settings)
