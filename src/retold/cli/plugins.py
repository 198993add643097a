"""`retold plugins`: every writer and judge installed, and where each came from."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from retold import plugins
from retold.cli.output import emit_json, state


def register(app: typer.Typer) -> None:
    app.command("plugins")(list_plugins)


def installed() -> list[dict[str, Any]]:
    """One row per registered writer and judge (aliases folded into their name)."""
    rows = []
    for kind in plugins.KINDS:
        regs = {reg.name: reg for reg in plugins.registrations(kind).values()}
        for name in sorted(regs):
            reg = regs[name]
            rows.append(
                {
                    "kind": kind,
                    "name": reg.name,
                    "aliases": list(reg.aliases),
                    "description": reg.description,
                    "package": reg.origin.package,
                    "version": reg.origin.version,
                    "module": reg.origin.module,
                }
            )
    return rows


def list_plugins(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the plugins as JSON."),
) -> None:
    """List every writer backend and checker judge, with where it came from."""
    rows = installed()
    if json_out:
        emit_json(rows)
        return
    table = Table("kind", "name", "description", "from")
    for row in rows:
        package = row["package"] or "(registered in-process)"
        version = f" {row['version']}" if row["version"] else ""
        aliases = f" ({', '.join(row['aliases'])})" if row["aliases"] else ""
        table.add_row(
            row["kind"],
            row["name"] + aliases,
            row["description"],
            f"{package}{version}: {row['module']}",
        )
    state(ctx).console.print(table)
