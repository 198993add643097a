"""`retold demo`: the whole newsroom on bundled samples, offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from retold.cli.output import emit_json, state
from retold.cli.run import exit_code, run_room, summarise
from retold.cli.serve import serve_site
from retold.config import runtime_settings
from retold.demo import (
    AUTO,
    DEMO_MODEL_STORIES,
    SAMPLES_PORT,
    default_demo_dir,
    demo_writer,
    open_demo_room,
    start_samples,
)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    dir: Path | None = typer.Option(
        None,
        "--dir",
        help="Newsroom directory (default: one kept in the cache directory per writer, so a "
        "second demo reuses what the first wrote).",
    ),
    fresh: bool = typer.Option(
        False, "--fresh", help="Start the default demo newsroom over (ignored with --dir)."
    ),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the site after building."),
    port: int = typer.Option(8000, "--port", "-p", help="Port for the site preview."),
    samples_port: int = typer.Option(SAMPLES_PORT, help="Port for the sample publishers' server."),
    writer: str = typer.Option(
        AUTO,
        help="Writer backend: auto (the embedded 1.5B model when installed, else extractive), "
        "extractive, local or openai.",
    ),
    model_stories: int = typer.Option(
        DEMO_MODEL_STORIES,
        min=0,
        help="With a model writer: how many of the newest stories it writes (the extractive "
        "writer writes the rest, and each page says which); 0 = all of them.",
    ),
    edition: int = typer.Option(1, hidden=True, help="Serve updated sample pages (2)."),
    json_out: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
) -> None:
    """Run the whole pipeline on the bundled sample newsroom and serve the site."""
    st = state(ctx)
    cache = runtime_settings().cache_dir
    backend, note = demo_writer(writer, cache)
    if dir is None:
        dir = default_demo_dir(cache, backend, samples_port, port, model_stories)
        if fresh:
            shutil.rmtree(dir, ignore_errors=True)
    if note:
        st.console.print(note, soft_wrap=True, markup=False, highlight=False)
    samples = start_samples(samples_port, edition)
    try:
        room = open_demo_room(
            dir, samples, site_port=port, backend=backend, model_stories=model_stories
        )
    except BaseException:
        samples.stop()
        raise
    with room:
        try:
            st.console.print(f"Sample publishers at {samples.base_url}; newsroom in {room.root}")
            report = run_room(st, room)
        finally:
            samples.stop()  # the run has fetched everything: the site needs no publisher
        if json_out:
            emit_json(
                {**report.as_dict(), "site": str(room.output_dir), "newsroom": str(room.root)}
            )
        else:
            summarise(st, report)
        code = exit_code(report)
        if not serve:
            if not json_out:
                typer.echo(str(room.output_dir))
            raise typer.Exit(code)
        serve_site(room, port, rebuild=False, console=st.console)
