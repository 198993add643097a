"""The plugin manager shared by every pluggable stage (writers, checker judges).

Hook specifications live with their stage (``retold.write.hookspecs``);
built-in plugins are plain modules listed here and registered exactly the way
a third-party package's ``retold`` entry point is.
"""

from __future__ import annotations

import importlib
import os

import pluggy

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
