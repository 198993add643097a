"""Running the newsroom: run (every stage) and build (publish only)."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy.exc
import typer

from retold.cli.output import OK, PARTIAL, WRITER_UNAVAILABLE, State, emit_json, progress_bar, state
from retold.config import DATABASE_NAME
from retold.errors import RetoldError
from retold.metrics import registry_for, serve_metrics, stop_serving, wsgi_app
from retold.newsroom import Newsroom
from retold.pipeline import run as run_pipeline
from retold.pipeline import stop_signals_interrupt
from retold.publish import PublishError
from retold.stages.publish import publish
from retold.stages.report import RunReport
from retold.store import db as store_db
from retold.watch import WatchSettings, WatchState, parse_interval
from retold.watch import watch as watch_loop

# What the machine, not Retold or the user, can do to a command: these stop it with one
# sentence (the run is recorded failed where the database lets it be), never a traceback.
FAULT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)
SAVED = "everything finished up to then is saved"


class StoppedByFault(RetoldError):
    """The disk, the database or the site's folder stopped a command (exit 1)."""

    exit_code = PARTIAL


def fault_sentence(err: BaseException, root: Path) -> str | None:
    """One sentence for a fault around the newsroom, or None when ``err`` is not one."""
    database = root.resolve() / DATABASE_NAME
    if isinstance(err, PublishError) and isinstance(err.__cause__, OSError):
        # The disk failed the site's folder (exit 1); any other PublishError is about the
        # settings or the folder's contents, a RetoldError of its own (exit 2).
        return f"{str(err).rstrip('.')}; the published site is unchanged and {SAVED}."
    if isinstance(err, sqlalchemy.exc.OperationalError):
        detail = str(err.orig or err).strip()
        lowered = detail.lower()
        if "locked" in lowered or "busy" in lowered:
            waited = store_db.BUSY_TIMEOUT_MS / 1000
            return (
                f"The database {database} is locked by another program (Retold waited "
                f"{waited:g} s); {SAVED}, so run again once that program lets go."
            )
        # SQLite reports a full disk as "disk I/O error" when the WAL can't grow.
        if "full" in lowered or _disk_full(database.parent):
            return (
                f"The disk holding {database} is full; {SAVED}, so free some space and run again."
            )
        return f"The database {database} could not be written ({detail}); {SAVED}."
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        where = err.filename or root.resolve()
        return f"The disk holding {where} is full; {SAVED}, so free some space and run again."
    if isinstance(err, OSError) and err.errno in FAULT_ERRNOS:
        where = f" ({err.filename})" if err.filename else ""
        return f"{err.strerror or err}{where}; {SAVED}."
    return None


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False


@contextmanager
def faults_as_sentences(root: Path) -> Iterator[None]:
    """Turn a fault of the disk, the database or the site's folder into StoppedByFault."""
    try:
        yield
    except (PublishError, sqlalchemy.exc.OperationalError, OSError) as err:
        sentence = fault_sentence(err, root)
        if sentence is None:
            raise
        raise StoppedByFault(sentence) from err


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("watch")(watch)
    app.command("build")(build)


def exit_code(report: RunReport) -> int:
    if report.writer_unavailable:
        return WRITER_UNAVAILABLE
    return PARTIAL if report.status == "partial" else OK


def summarise(st: State, report: RunReport) -> None:
    c = report.counts
    # Documents built from a feed's full text (page unreachable) are new documents too.
    new_documents = c["documents_extracted"] + c["documents_from_feed"]
    st.console.print(
        f"[bold]{report.status}[/]: {new_documents} new documents, "
        f"{c['documents_changed']} changed, {c['articles_written']} articles written, "
        f"{c['articles_published']} published, {c['articles_held']} held, "
        f"{c['stories_skipped_excerpt']} skipped (excerpt only), "
        f"{c['pages_written']} pages written."
    )
    for problem in report.problems[:15]:
        st.console.print(f"  [yellow]•[/] {problem}")
    if len(report.problems) > 15:
        st.console.print(f"  … and {len(report.problems) - 15} more (`retold status --json`).")
    if report.writer_unavailable:
        st.console.print(
            f"[red]The writer is unavailable[/]: {report.writer_unavailable} "
            "Remaining stories are pending and will be written on the next run."
        )


def run_room(
    st: State,
    room: Newsroom,
    *,
    force: bool = False,
    scheduled: bool = False,
    workers: bool = False,
) -> RunReport:
    def note(name: str) -> None:
        if st.verbose:
            st.console.log(f"{name}…")

    through = None
    if workers:
        through = workers_cycle(room, force=force, scheduled=scheduled, stage=note)
    with progress_bar(st) as tick:
        return run_pipeline(
            room, force=force, scheduled=scheduled, progress=tick, stage=note, through=through
        )


def workers_cycle(
    room: Newsroom, *, force: bool, scheduled: bool, stage: Callable[[str], None]
) -> Callable[[RunReport], None]:
    """The run's stages handed to `retold worker` processes through [worker] broker."""
    if not room.settings.worker.broker:
        raise RetoldError(
            "--workers needs the workers' Redis server: set [worker] broker in retold.toml "
            "(or RETOLD_WORKER_BROKER)."
        )
    from retold.worker.app import configure
    from retold.worker.dispatch import run_cycle

    configure(room.settings.worker)
    grace = 2 * room.settings.worker.lease_seconds
    return lambda report: run_cycle(
        report, force=force, scheduled=scheduled, grace=grace, stage=stage
    )


def run(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="Ignore source back-off and fetch everything due."
    ),
    scheduled: bool = typer.Option(
        False,
        "--scheduled",
        help="Read only the sources due by their own schedule (feed ttl, Cache-Control), "
        "as `retold watch` does: for running from cron.",
    ),
    workers: bool = typer.Option(
        False,
        "--workers",
        help="Hand the stages to `retold worker` processes (on any machine) through "
        "[worker] broker, and wait for them.",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
) -> None:
    """Run every stage once: fetch, extract, cluster, write, verify, relate, publish."""
    st = state(ctx)
    with faults_as_sentences(st.dir):
        room = Newsroom.open(st.dir)
        try:
            # Taken here too (the pipeline's hold is re-entrant), so a refused run draws nothing.
            with room.writing("run"):
                report = run_room(st, room, force=force, scheduled=scheduled, workers=workers)
        finally:
            room.close()
    if json_out:
        emit_json(report.as_dict())
    else:
        summarise(st, report)
        st.console.print(f"Site: {room.output_dir}")
    raise typer.Exit(exit_code(report))


def watch(
    ctx: typer.Context,
    interval: str = typer.Option(
        "15m", "--interval", help="Time between the starts of two cycles: 90s, 15m, 1h."
    ),
    jitter: float = typer.Option(
        0.1, "--jitter", min=0.0, max=0.5, help="Vary each wait by up to this share."
    ),
    cycles: int | None = typer.Option(
        None, "--cycles", min=1, help="Stop after this many cycles (default: run until stopped)."
    ),
    metrics_port: int | None = typer.Option(
        None,
        "--metrics-port",
        min=0,
        max=65535,
        help="Serve Prometheus metrics at /metrics and a health check at /healthz.",
    ),
    metrics_host: str = typer.Option(
        "127.0.0.1", "--metrics-host", help="Address for the metrics server."
    ),
    workers: bool = typer.Option(
        False, "--workers", help="Hand each cycle's stages to `retold worker` processes."
    ),
) -> None:
    """Keep the newsroom running: a run every interval (each source on its own schedule),
    the site rebuilt after each. Ctrl-C or SIGTERM stops it; nothing finished is lost."""
    st = state(ctx)
    try:
        settings = WatchSettings(interval=parse_interval(interval), jitter=jitter, cycles=cycles)
    except ValueError as err:
        raise RetoldError(str(err)) from None
    watch_state = WatchState()
    with faults_as_sentences(st.dir):
        room = Newsroom.open(st.dir)
    try:
        registry, run_metrics = registry_for(room)
        server = None
        if metrics_port is not None:
            try:
                server = serve_metrics(wsgi_app(registry, watch_state), metrics_host, metrics_port)
            except OSError as err:
                raise RetoldError(
                    f"Could not serve metrics on {metrics_host}:{metrics_port} ({err.strerror})."
                ) from None
            host, port = str(server.server_address[0]), int(server.server_address[1])
            st.console.print(f"Metrics on http://{host}:{port}/metrics, health on /healthz")

        def cycle(r: Newsroom) -> RunReport:
            with faults_as_sentences(st.dir):
                return run_room(st, r, scheduled=True, workers=workers)

        def after(done: WatchState, report: RunReport | None) -> None:
            run_metrics.record(done, report)
            if report is not None and not st.quiet:
                summarise(st, report)

        from retold.watch import digest_if_due  # the daily digest at [digest] hour

        try:
            watch_loop(
                room,
                settings,
                watch_state,
                on_cycle=after,
                run_cycle=cycle,
                after_cycle=digest_if_due,
            )
        finally:
            if server is not None:
                stop_serving(server)
    finally:
        room.close()
    raise typer.Exit(OK if watch_state.consecutive_failures == 0 else PARTIAL)


def build(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
) -> None:
    """Publish only: rebuild the site from what is stored (incremental)."""
    st = state(ctx)
    report = RunReport()
    with faults_as_sentences(st.dir):
        room = Newsroom.open(st.dir)
        try:
            with room.writing("build"), stop_signals_interrupt():
                result = publish(room, report)
        finally:
            room.close()
    if json_out:
        emit_json(
            {
                "written": len(result.written),
                "unchanged": len(result.unchanged),
                "removed": len(result.removed),
                "seconds": round(result.seconds, 3),
                "output_dir": str(room.output_dir),
            }
        )
    else:
        st.console.print(f"Built {room.output_dir}: {result}.")
