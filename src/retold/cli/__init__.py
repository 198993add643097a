"""The `retold` command. Each command group lives in its own module."""

from __future__ import annotations

import enum
import sys
from pathlib import Path

import typer

from retold.cli import batch, demo, desk, digest, models, newsroom, plugins, run, serve, worker
from retold.cli.output import INTERRUPTED, State, setup_logging
from retold.config import runtime_settings
from retold.errors import RetoldError
from retold.memory import return_freed_memory


class LogFormat(enum.StrEnum):
    text = "text"
    json = "json"


app = typer.Typer(
    name="retold",
    help="Retold: an AI newsroom that checks every sentence against its source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    ctx: typer.Context,
    dir: Path | None = typer.Option(
        None,
        "--dir",
        "-d",
        help="The newsroom directory (holds retold.toml); default: $RETOLD_DIR, else here.",
        show_default=False,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging."),
    log_format: LogFormat = typer.Option(
        LogFormat.text,
        "--log-format",
        help="Logs on stderr as text, or as JSON lines (one event each, with run, stage and "
        "item ids) for a log shipper.",
    ),
) -> None:
    setup_logging(quiet, verbose, log_format.value)
    ctx.obj = State(
        dir=dir or runtime_settings().dir,
        quiet=quiet,
        verbose=verbose,
        json_logs=log_format == LogFormat.json,
    )


for module in (newsroom, run, serve, demo, batch, plugins, models, worker, desk, digest):
    module.register(app)


def main() -> None:
    return_freed_memory()  # a process-wide policy: the entry point sets it, not the library
    try:
        # Outside standalone mode Click returns a command's exit code instead of exiting.
        code = app(standalone_mode=False)
    except RetoldError as err:
        typer.secho(f"Error: {err}", err=True, fg="red")
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        typer.secho("Interrupted; everything finished so far is saved.", err=True)
        sys.exit(INTERRUPTED)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:  # Click's form of Ctrl-C (and of SIGTERM, which the run maps to it)
        typer.secho("Interrupted; everything finished so far is saved.", err=True)
        sys.exit(INTERRUPTED)
    except Exception as err:  # Click usage errors carry their own message and exit code
        import click

        if isinstance(err, click.ClickException):
            err.show()
            sys.exit(err.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
