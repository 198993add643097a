"""`retold serve`: preview the site on 127.0.0.1, rebuilding on change."""

from __future__ import annotations

import threading

import typer
from rich.console import Console

from retold.cli.output import state
from retold.config import CONFIG_NAME, DATABASE_NAME, ConfigError, load_settings
from retold.errors import NewsroomLocked, RetoldError
from retold.newsroom import Newsroom
from retold.preview import make_server, serve_forever, watch
from retold.stages.publish import publish
from retold.stages.report import RunReport


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    port: int = typer.Option(8000, "--port", "-p", help="Port on 127.0.0.1."),
    rebuild: bool = typer.Option(
        True, "--rebuild/--no-rebuild", help="Rebuild the site when the newsroom's data changes."
    ),
) -> None:
    """Preview the site at http://127.0.0.1:PORT (builds it first if needed)."""
    st = state(ctx)
    with Newsroom.open(st.dir) as room:
        if not room.output_dir.exists():
            with room.writing("serve"):
                publish(room, RunReport())
        serve_site(room, port, rebuild=rebuild, console=st.console)


def serve_site(room: Newsroom, port: int, *, rebuild: bool, console: Console) -> None:
    """Serve the room's site until Ctrl-C; the caller opens and closes the room."""
    try:
        server = make_server(room.output_dir, port=port)
    except OSError as err:
        raise RetoldError(
            f"Can't listen on 127.0.0.1:{port} ({err.strerror}); try another --port."
        ) from None
    stop = threading.Event()
    if rebuild:

        def rebuild_site() -> None:
            try:  # a site title or base URL edited in retold.toml shows on the next rebuild
                room.settings = load_settings(room.root / CONFIG_NAME)
            except ConfigError as err:
                console.print(f"[yellow]Kept the previous settings[/]: {err}")
            try:
                with room.writing("serve"):
                    result = publish(room, RunReport())
            except NewsroomLocked:  # the run's own writes wake the watcher again afterwards
                console.print("[yellow]A run is working; rebuilding after it.[/]")
                return
            console.print(f"Rebuilt: {result}.")

        paths = [
            room.root / DATABASE_NAME,
            room.root / (DATABASE_NAME + "-wal"),
            room.root / CONFIG_NAME,
        ]
        threading.Thread(target=watch, args=(paths, rebuild_site, stop), daemon=True).start()
    console.print(
        f"Serving {room.output_dir} at [bold]http://127.0.0.1:{port}/[/] (Ctrl-C to stop)."
    )
    try:
        serve_forever(server)
    finally:
        stop.set()
