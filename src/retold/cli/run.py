"""Running the newsroom: run (every stage) and build (publish only)."""

from __future__ import annotations

import typer

from ..newsroom import Newsroom
from ..pipeline import run as run_pipeline
from ..pipeline import stop_signals_interrupt
from ..stages.publish import publish
from ..stages.report import RunReport
from .output import OK, PARTIAL, WRITER_UNAVAILABLE, State, emit_json, progress_bar, state


def register(app: typer.Typer) -> None:
    app.command("run")(run)
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


def run_room(st: State, room: Newsroom, *, force: bool = False) -> RunReport:
    with progress_bar(st) as tick:
        return run_pipeline(
            room,
            force=force,
            progress=tick,
            stage=lambda name: st.console.log(f"{name}…") if st.verbose else None,
        )


def run(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="Ignore source back-off and fetch everything due."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
) -> None:
    """Run every stage once: fetch, extract, cluster, write, verify, relate, publish."""
    st = state(ctx)
    room = Newsroom.open(st.dir)
    try:
        # Taken here too (the pipeline's hold is re-entrant), so a refused run draws nothing.
        with room.writing("run"):
            report = run_room(st, room, force=force)
    finally:
        room.close()
    if json_out:
        emit_json(report.as_dict())
    else:
        summarise(st, report)
        st.console.print(f"Site: {room.output_dir}")
    raise typer.Exit(exit_code(report))


def build(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
) -> None:
    """Publish only: rebuild the site from what is stored (incremental)."""
    st = state(ctx)
    room = Newsroom.open(st.dir)
    report = RunReport()
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
