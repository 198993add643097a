"""Hook specifications for writer plugins.

A plugin (built in or from another package, via the ``retold`` entry point
group) implements::

    from retold.plugins import hookimpl

    @hookimpl
    def register_writers(register):
        register("mywriter", MyWriter, description="...")

where ``MyWriter(settings: WriterSettings)`` returns a WriterBackend.
"""

from __future__ import annotations

from typing import Any

from retold.plugins import hookspec


@hookspec
def register_writers(register: Any) -> None:
    """Register writer backends: ``register(name, factory, *, aliases=(), description="")``."""
