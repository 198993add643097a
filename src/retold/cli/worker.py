"""`retold worker`: run stages for a newsroom shared by several machines (Celery + Redis)."""

from __future__ import annotations

import typer

from retold.cli.output import state
from retold.errors import ConfigError, RetoldError
from retold.newsroom import Newsroom
from retold.pipeline import STAGES


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def parse_stages(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in STAGES]
    if unknown or not names:
        raise ConfigError(
            f"--stages takes a comma-separated list of {', '.join(STAGES)}, not {text!r}."
        )
    return names


def worker(
    ctx: typer.Context,
    stages: str = typer.Option(
        ",".join(STAGES), "--stages", help="The stages this worker takes, comma-separated."
    ),
    concurrency: int = typer.Option(
        1, "--concurrency", "-c", min=1, max=64, help="Worker processes (one item each at a time)."
    ),
    name: str = typer.Option(
        "", "--name", help="This worker's name in the broker (default: retold-PID@HOST)."
    ),
) -> None:
    """Take stage tasks from the newsroom's Redis ([worker] broker) until stopped.

    Start one or more on each machine (all with the same [store] url and [worker] broker),
    then run `retold run --workers` (or `retold watch --workers`) to send them work.
    Ctrl-C or SIGTERM stops after the items in hand; a worker killed outright loses its
    claims after [worker] lease_seconds and another worker takes the items over.
    """
    import os
    import socket

    from retold.worker.app import configure, describe_broker, queue_name
    from retold.worker.tasks import serve_newsroom

    st = state(ctx)
    wanted = parse_stages(stages)
    # Refuse an older schema here, before any process starts: workers never migrate.
    with Newsroom.open(st.dir, upgrade=False) as room:
        settings = room.settings.worker
        root = room.root
    if not settings.broker:
        raise RetoldError(
            "`retold worker` needs a Redis server: set [worker] broker in retold.toml "
            "(or RETOLD_WORKER_BROKER), e.g. redis://127.0.0.1:6379/0."
        )
    app = configure(settings)
    serve_newsroom(root)
    node = name or f"retold-{os.getpid()}@{socket.gethostname()}"
    st.console.print(
        f"Worker {node}: {', '.join(wanted)}, {concurrency} process(es), "
        f"broker {describe_broker(settings.broker)}."
    )
    app.Worker(
        hostname=node,
        queues=[queue_name(stage) for stage in wanted],
        concurrency=concurrency,
        pool="prefork",
        loglevel="WARNING" if st.quiet else "INFO",
        without_heartbeat=False,
        without_mingle=True,
        without_gossip=True,
        quiet=True,
    ).start()
