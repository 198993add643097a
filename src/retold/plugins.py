"""The plugin manager shared by every pluggable stage (writers, checker judges).

Hook specifications live with their stage (``retold.write.hookspecs``);
built-in plugins are plain modules listed here and registered exactly the way
a third-party package's ``retold`` entry point is.
"""

from __future__ import annotations

import difflib
import importlib
import os
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pluggy

F = TypeVar("F")

hookspec = pluggy.HookspecMarker("retold")
hookimpl = pluggy.HookimplMarker("retold")

# Stages add their hookspec module here.
HOOKSPEC_MODULES: tuple[str, ...] = (
    "retold.write.hookspecs",
    "retold.verify.judges.hookspecs",
)

DEFAULT_PLUGINS: tuple[str, ...] = (
    "retold.write.default_plugins.extractive",
    "retold.write.default_plugins.openai_backend",
    "retold.write.default_plugins.local_gguf",
    "retold.verify.judges.default_plugins.likelihood",
    "retold.verify.judges.default_plugins.llm",
    "retold.verify.judges.default_plugins.nli",
)

ENTRY_POINT_GROUP = "retold"

_pm: pluggy.PluginManager | None = None


class PluginLoadError(Exception):
    """A plugin could not be loaded."""


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use."""
    global _pm
    if _pm is None:
        _pm = _build()
    return _pm


def _build() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("retold")
    for name in HOOKSPEC_MODULES:
        pm.add_hookspecs(importlib.import_module(name))
    # Set RETOLD_LOAD_PLUGINS="" to run with the built-ins only (tests, debugging).
    if os.environ.get("RETOLD_LOAD_PLUGINS") != "":
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:  # a broken third-party plugin must not take Retold down
            raise PluginLoadError(f"A Retold plugin failed to load: {exc}.") from exc
    for name in DEFAULT_PLUGINS:
        module = importlib.import_module(name)
        if not pm.is_registered(module):
            pm.register(module, name)
    return pm


def reset_plugin_manager() -> None:
    """Forget the manager (tests that register plugins of their own)."""
    global _pm
    _pm = None


@dataclass(frozen=True)
class Registration(Generic[F]):
    """One thing a plugin registered: a name, a factory and its aliases."""

    name: str
    factory: F
    aliases: tuple[str, ...] = ()
    description: str = ""


def collect(
    hook: str, kind: str, error: type[Exception], reserved: tuple[str, ...] = ()
) -> dict[str, Registration[Any]]:
    """Call the ``hook`` (e.g. "register_writers") and gather what plugins register, by name
    and alias. Two plugins claiming one name, or a ``reserved`` name, raise ``error``."""
    found: dict[str, Registration[Any]] = {}

    def register(
        name: str, factory: Any, *, aliases: tuple[str, ...] = (), description: str = ""
    ) -> None:
        reg = Registration(name, factory, tuple(aliases), description)
        for key in (name, *reg.aliases):
            if key in reserved:
                raise error(f"A plugin registers a {kind} called '{key}', which means no {kind}.")
            if key in found and found[key].factory is not factory:
                raise error(f"Two plugins register a {kind} called '{key}'.")
            found[key] = reg

    getattr(get_plugin_manager().hook, hook)(register=register)
    return found


def unknown_name(kind: str, name: str, keys: list[str], names: list[str]) -> str:
    """The one-sentence error for a name no plugin registered, with a did-you-mean."""
    close = difflib.get_close_matches(name.strip().lower(), keys, n=1, cutoff=0.5)
    if close:
        return f"Unknown {kind} '{name}'; did you mean '{close[0]}'?"
    return f"Unknown {kind} '{name}'; choose one of: {', '.join(names)}."
