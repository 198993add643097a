"""Hook specification for checker judge plugins.

A plugin (built in or from another package, via the ``retold`` entry point
group) implements::

    from retold.plugins import hookimpl

    @hookimpl
    def register_judges(register):
        register("myjudge", MyJudge, description="...")

where ``MyJudge(settings: JudgeSettings)`` returns a :class:`~retold.verify.judges.Judge`.
"""

from __future__ import annotations

from typing import Any

from retold.plugins import hookspec


@hookspec
def register_judges(register: Any) -> None:
    """Register judges: ``register(name, factory, *, aliases=(), description="")``."""
