"""`retold digest`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Adds this module's commands to `retold` (filled in by the work on this command)."""
