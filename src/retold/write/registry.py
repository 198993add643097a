"""Find writer backends registered by plugins and build one from settings."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from retold.plugins import get_plugin_manager
from retold.write.backend import WriterBackend, WriterSettings
from retold.write.errors import UnknownBackend, WriterError

Factory = Callable[[WriterSettings], WriterBackend]


@dataclass(frozen=True)
class Registration:
    name: str
    factory: Factory
    aliases: tuple[str, ...] = ()
    description: str = ""


def registrations() -> dict[str, Registration]:
    """Every registered backend by name (aliases included), asking plugins afresh."""
    found: dict[str, Registration] = {}

    def register(
        name: str, factory: Factory, *, aliases: tuple[str, ...] = (), description: str = ""
    ) -> None:
        reg = Registration(name, factory, tuple(aliases), description)
        for key in (name, *reg.aliases):
            if key in found and found[key].factory is not factory:
                raise WriterError(f"Two plugins register a writer called '{key}'.")
            found[key] = reg

    get_plugin_manager().hook.register_writers(register=register)
    return found


def writer_names() -> list[str]:
    """Names of the registered writer backends (no aliases), sorted."""
    return sorted({reg.name for reg in registrations().values()})


def get_writer(settings: WriterSettings) -> WriterBackend:
    """Build the backend named by ``settings.backend``."""
    regs = registrations()
    reg = regs.get(settings.backend.strip().lower())
    if reg is None:
        raise UnknownBackend(_unknown_message(settings.backend, sorted(regs)))
    return reg.factory(settings)


def _unknown_message(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.5)
    if close:
        return f"Unknown writer backend '{name}'; did you mean '{close[0]}'?"
    return f"Unknown writer backend '{name}'; choose one of: {', '.join(known)}."
