"""`retold desk`: the editorial desk in the browser, and its accounts."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from retold.cli.output import state
from retold.desk.auth import DeskError
from retold.errors import RetoldError
from retold.newsroom import Newsroom

desk_app = typer.Typer(
    help="The editorial desk: review, edit, approve and correct articles in the browser.",
    invoke_without_command=True,
)
user_app = typer.Typer(help="Desk accounts.", no_args_is_help=True)
desk_app.add_typer(user_app, name="user")


def register(app: typer.Typer) -> None:
    """Adds `retold desk` (serve) and `retold desk user add` to `retold`."""
    app.add_typer(desk_app, name="desk")


@desk_app.callback()
def serve(
    ctx: typer.Context,
    port: int = typer.Option(8010, "--port", help="The port to listen on."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="The address to listen on (only this machine by default)."
    ),
    site: bool = typer.Option(
        False, "--site", help="Serve the built site at / too, with the desk at /desk/."
    ),
) -> None:
    """Serve the desk at http://127.0.0.1:8010/desk/ (sign in with `retold desk user add`)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from retold.desk.app import make_app

    if not 0 < port < 65536:
        raise RetoldError(f"--port must be between 1 and 65535, not {port}.")
    st = state(ctx)
    room = Newsroom.open(st.dir)
    try:
        app = make_app(room, room.output_dir if site else None)
        st.console.print(f"The desk is at http://{host}:{port}/desk/ (Ctrl-C stops it).")
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            server_header=False,
            proxy_headers=False,  # client addresses for back-off are the real peer's
        )
    finally:
        room.close()


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The person's sign-in name."),
    role: str = typer.Option("editor", "--role", help="editor, or admin (also reads the log)."),
    password_file: Path | None = typer.Option(
        None, "--password-file", help="Read the password from this file's first line."
    ),
) -> None:
    """Add a desk account; the password is asked for (or read from stdin or a file)."""
    from retold.desk import actions, auth

    password = _password(password_file)
    st = state(ctx)
    with Newsroom.open(st.dir) as room, room.db.transaction() as session:
        user = auth.add_user(session, name, role, password)
        actions.record_event(session, "(command line)", "user-add", f"{user.name} as {role}")
    st.console.print(f"Added {name} ({role}); they can sign in at /desk/login.")


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The account's name."),
    password_file: Path | None = typer.Option(
        None, "--password-file", help="Read the password from this file's first line."
    ),
) -> None:
    """Set a desk account's password (asked for, or from stdin or a file); signs it out."""
    from retold.desk import actions, auth

    password = _password(password_file)
    st = state(ctx)
    with Newsroom.open(st.dir) as room, room.db.transaction() as session:
        auth.set_password(session, name, password)
        actions.record_event(session, "(command line)", "user-passwd", name)
    st.console.print(f"Set a new password for {name}; their sessions have ended.")


@user_app.command("disable")
def user_disable(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The account's name."),
    enable: bool = typer.Option(False, "--enable", help="Let a disabled account back in."),
) -> None:
    """Lock a desk account out at once (its sessions end); --enable lets it back in."""
    from retold.desk import actions, auth

    st = state(ctx)
    with Newsroom.open(st.dir) as room, room.db.transaction() as session:
        auth.set_disabled(session, name, not enable)
        actions.record_event(
            session, "(command line)", "user-enable" if enable else "user-disable", name
        )
    st.console.print(f"{name} can {'sign in again' if enable else 'no longer sign in'}.")


def _password(path: Path | None) -> str:
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise DeskError(f"Could not read {path}: {err.strerror}.") from None
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Again", hide_input=True) != first:
        raise DeskError("The two passwords differ; nothing was added.")
    return str(first)
