"""Setting up a newsroom: init, add, sources, status, stats, approve."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from retold.cli.output import State, emit_json, state
from retold.config import StoreConfig
from retold.errors import RetoldError
from retold.ingest.opml import OpmlError, OpmlFeed, read_opml, write_opml
from retold.newsroom import Newsroom
from retold.stages.ingest import looks_like_opml
from retold.store import articles as articles_store
from retold.store import runs as runs_store
from retold.store import sources as sources_store
from retold.store import stats as stats_store
from retold.store.copy import copy_store
from retold.store.db import Database, describe, schema_revisions


def open_room(st: State) -> Newsroom:
    return Newsroom.open(st.dir)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("add")(add)
    app.command("sources")(sources)
    app.command("status")(status)
    app.command("stats")(stats)
    app.command("approve")(approve)
    app.command("retry")(retry)
    app.command("migrate")(migrate)


def init(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help="Where to create the newsroom."),
    title: str = typer.Option("Retold News", help="The site's title."),
    base_url: str = typer.Option("http://127.0.0.1:8000", help="Where the site will be served."),
) -> None:
    """Create a newsroom: retold.toml, an empty database and a prompts/ folder."""
    with Newsroom.init(directory, title=title, base_url=base_url) as room:
        root = room.root
    state(ctx).console.print(
        f"Created a newsroom in [bold]{root}[/]. Next: "
        f"`retold -d {directory} add FEED_URL`, then `retold -d {directory} run`."
    )


def add(
    ctx: typer.Context,
    targets: list[str] = typer.Argument(
        ..., help="Feed URLs, article URLs, OPML files or local files."
    ),
    ignore_robots: bool = typer.Option(
        False, "--ignore-robots", help="Fetch these sources even where robots.txt disallows it."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print what was added as JSON."),
) -> None:
    """Add sources: a feed, an OPML file (every feed in it), an article URL or a local file."""
    st = state(ctx)
    added: list[dict[str, object]] = []
    with open_room(st) as room, room.db.transaction() as session:
        for target in targets:
            for url, kind, name in _expand(target):
                source, created = sources_store.add_source(session, url, kind, name)
                source.ignore_robots = ignore_robots or source.ignore_robots
                added.append({"id": source.id, "url": url, "kind": source.kind, "new": created})
    if json_out:
        emit_json(added)
        return
    for row in added:
        verb = "Added" if row["new"] else "Already had"
        st.console.print(f"{verb} {row['kind']} source {row['url']}")


def _expand(target: str) -> list[tuple[str, str, str]]:
    """A target becomes one or more (url, kind, name) sources; OPML files expand to their feeds."""
    if target.startswith(("http://", "https://")):
        return [(target, "auto", "")]
    if "://" in target:
        raise RetoldError(f"Retold can only read http(s) URLs and local files, not '{target}'.")
    path = Path(target).expanduser()
    if not path.is_file():
        raise RetoldError(f"'{target}' is neither a URL nor an existing file.")
    body = path.read_bytes()
    if looks_like_opml(body):
        try:
            return [(f.xml_url, "auto", f.title) for f in read_opml(body)]
        except OpmlError as err:
            raise RetoldError(f"{target}: {err}") from None
    return [(str(path.resolve()), "file", path.stem)]


def sources(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print sources and their health as JSON."),
    opml: bool = typer.Option(False, "--opml", help="Export the feed sources as OPML."),
) -> None:
    """List sources with their health: last success, last error, failures, items seen."""
    st = state(ctx)
    if opml:
        with open_room(st) as room, room.db.transaction() as session:
            feeds = [
                OpmlFeed(title=s.name or s.url, xml_url=s.url)
                for s in sources_store.list_sources(session)
                if s.kind in ("feed", "auto")
            ]
            title = room.settings.site.title
        typer.echo(write_opml(feeds, title))
        return
    with open_room(st) as room, room.db.transaction() as session:
        rows = [
            {
                "id": s.id,
                "url": s.url,
                "kind": s.kind,
                "name": s.name,
                "health": sources_store.health(s),
                "items_seen": s.items_seen,
                "consecutive_failures": s.consecutive_failures,
                "last_success": s.last_success,
                "last_error": s.last_error,
                "next_attempt": s.next_attempt,
            }
            for s in sources_store.list_sources(session)
        ]
    if json_out:
        emit_json(rows)
        return
    table = Table(
        "id", "source", "kind", "health", "items", "failures", "last success", "last error"
    )
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["name"] or r["url"]),
            str(r["kind"]),
            str(r["health"]),
            str(r["items_seen"]),
            str(r["consecutive_failures"]),
            f"{r['last_success']:%Y-%m-%d %H:%M}" if r["last_success"] else "never",
            str(r["last_error"])[:60],
        )
    st.console.print(table if rows else "No sources yet: add one with `retold add URL`.")


def status(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """What the newsroom holds, what is held for an editor or quarantined (with the
    reason), and what the last runs did."""
    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        counts = stats_store.counts(session)
        stages = stats_store.stages(session)
        held = stats_store.held(session)
        quarantined = articles_store.quarantined(session)
        runs = runs_store.run_summaries(session, 5)
    if json_out:
        emit_json(
            {
                "counts": counts,
                "stages": stages,
                "held": held,
                "quarantined": quarantined,
                "runs": runs,
            }
        )
        return
    for key, value in counts.items():
        st.console.print(f"{key.replace('_', ' '):<20} {value}")
    for name, states in stages.items():
        line = ", ".join(f"{n} {state}" for state, n in states.items())
        st.console.print(f"{name + ':':<20} {line}")
    for article in held:
        st.console.print(f"held: {article['slug']}  {article['headline']}")
    for item in quarantined:
        name = item.get("slug") or f"story {item['id']}"
        # Whole lines, never wrapped mid-reason: people grep these.
        st.console.print(f"quarantined: {name}  {item['title']}", markup=False, soft_wrap=True)
        st.console.print(f"  {item['reason']}", markup=False, soft_wrap=True)
    for run in runs:
        st.console.print(f"run {run['id']}: {run['status']} ({len(run['problems'])} problems)")


def stats(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Tokens, latency and cost per model, per article and per run."""
    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        models, runs = stats_store.usage(session, room.settings.writer.prices)
    if json_out:
        emit_json({"models": models, "runs": runs})
        return
    columns = (
        "backend",
        "model",
        "versions",
        "tokens_in",
        "tokens_out",
        "avg_latency_ms",
        "cost",
        "cost_per_article",
    )
    table = Table(*columns, title="By model")
    for row in models:
        table.add_row(*(str(row[c]) for c in columns))
    st.console.print(table)
    run_columns = ("run", "articles", "tokens_in", "tokens_out", "cost", "cost_per_article")
    by_run = Table(*run_columns, title="By run")
    for row in runs:
        by_run.add_row(*(str(row[c]) for c in run_columns))
    st.console.print(by_run)


def approve(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The held article's slug (see `retold status --json`)."),
) -> None:
    """Approve a held article as an editor; `retold build` (or the next run) publishes it."""
    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        found = articles_store.approve(session, slug)
    if not found:
        raise RetoldError(f"No article with slug '{slug}'.")
    st.console.print(f"Approved {slug}; `retold build` publishes it with your review on its label.")


def retry(
    ctx: typer.Context,
    target: str = typer.Argument(
        None, help="A quarantined story's id or article's slug (see `retold status`)."
    ),
    all_: bool = typer.Option(False, "--all", help="Release every quarantined item."),
) -> None:
    """Give a quarantined story or article its tries back; the next run takes it up."""
    st = state(ctx)
    if (target is None) == (not all_):
        raise RetoldError("Name one quarantined story id or article slug, or pass --all.")
    with open_room(st) as room, room.writing("retry"), room.db.transaction() as session:
        released = articles_store.release(session, None if all_ else target)
    if not released:
        raise RetoldError(
            f"Nothing quarantined matches '{target}'." if target else "Nothing is quarantined."
        )
    st.console.print(f"Released {', '.join(released)}; `retold run` takes them up again.")


def migrate(
    ctx: typer.Context,
    to: str | None = typer.Option(
        None, "--to", help="The empty database to copy into: postgresql://user@host/dbname."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the per-table report as JSON."),
) -> None:
    """Without --to: bring this newsroom's store to this Retold's schema (workers never do).
    With --to: copy the store (its retold.db, or [store] url) into another database, then
    compare every table (rows and checksums); point [store] url (or RETOLD_STORE_URL) at the
    new one afterwards."""
    st = state(ctx)
    if to is None:
        with open_room(st) as room:  # opening migrates
            current, _head, _known = schema_revisions(room.db.engine)
        st.console.print(f"The store at {describe(room.db.url)} is at schema {current}.")
        return
    try:
        StoreConfig(url=to)
    except ValueError:
        raise RetoldError(f"--to must be a postgresql:// or sqlite:/// URL, not {to!r}.") from None
    with open_room(st) as room, room.writing("migrate"):
        target = Database(to)
        try:
            report = copy_store(room.db, target)
        finally:
            target.close()
    same = all(t.same for t in report)
    if json_out:
        emit_json({"same": same, "tables": [{**asdict(t), "same": t.same} for t in report]})
    else:
        for t in report:
            mark = "same" if t.same else "DIFFERENT"
            st.console.print(f"{t.table:<22} {t.rows:>8} rows, {t.copied:>8} copied  {mark}")
        if same:
            st.console.print(
                f"Copied into {describe(to)}: every table has the same rows and checksums. "
                "Set [store] url (or RETOLD_STORE_URL) to use it."
            )
    if not same:
        raise RetoldError(
            "The copy differs from the original (see the table above); keep using the original."
        )
