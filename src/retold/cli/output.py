"""How commands talk to people and scripts: Rich for people, JSON for scripts."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from retold.logs import ContextFilter, JsonFormatter

# Exit codes, documented in the README. An error carries its own (RetoldError in errors.py:
# 2 for usage and configuration, 4 when another command holds the newsroom).
OK, PARTIAL, WRITER_UNAVAILABLE, INTERRUPTED = 0, 1, 3, 130


@dataclass
class State:
    dir: Path
    quiet: bool = False
    verbose: bool = False
    json_logs: bool = False  # stderr carries only JSON lines: people's text goes to stdout

    @property
    def console(self) -> Console:
        return Console(stderr=not self.json_logs, quiet=self.quiet)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def setup_logging(quiet: bool, verbose: bool, log_format: str = "text") -> None:
    handler: logging.Handler
    if log_format == "json":
        # One event per line for a log shipper: stage timings and cycles are INFO events.
        level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
        handler = RichHandler(console=Console(stderr=True), show_time=False, show_path=verbose)
    handler.addFilter(ContextFilter())
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)
    if not verbose:
        # Libraries are chatty at WARNING about things that are ours to report.
        for name in ("trafilatura", "htmldate", "courlan", "httpx", "charset_normalizer"):
            logging.getLogger(name).setLevel(logging.ERROR)
        logging.getLogger("alembic").setLevel(logging.WARNING)  # migration chatter at INFO


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


@contextmanager
def progress_bar(st: State) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback (stage, done, total) drawn as bars on stderr when it's a terminal."""
    if st.quiet or st.json_logs:
        yield lambda _s, _d, _t: None
        return
    progress = Progress(
        TextColumn("[bold]{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=st.console,
        transient=False,
    )
    tasks: dict[str, Any] = {}

    def tick(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    with progress:
        yield tick
