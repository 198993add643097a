"""Every hook a Retold plugin can implement, in one place.

A plugin (built in, or another package's ``retold`` entry point) is a module with
functions marked ``@hookimpl``::

    from retold.hookspecs import hookimpl

    @hookimpl
    def register_writers(register):
        register("echo", EchoWriter, description="Says the headline back.")

``register(name, factory, *, aliases=(), description="")``: the factory is called with
the settings of its kind (``WriterSettings`` or ``JudgeSettings``), whose ``options``
hold the plugin's own table from retold.toml (``[writer.echo]``).
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("retold")
hookimpl = pluggy.HookimplMarker("retold")


@hookspec
def register_writers(register: Any) -> None:
    """Register writer backends; a factory takes WriterSettings and returns a WriterBackend."""


@hookspec
def register_judges(register: Any) -> None:
    """Register checker judges; a factory takes JudgeSettings and returns a Judge."""
