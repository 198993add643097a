"""Setting up a newsroom: init, add, sources, status, stats, approve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from sqlalchemy import ColumnElement, func, select

from ..errors import RetoldError
from ..ingest.opml import OpmlError, OpmlFeed, read_opml, write_opml
from ..newsroom import Newsroom
from ..pipeline import last_runs
from ..stages.ingest import looks_like_opml
from ..store import articles as articles_store
from ..store import sources as sources_store
from ..store.schema import Article, ArticleVersion, Document, Story, utcnow
from .output import State, emit_json, state


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


def init(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help="Where to create the newsroom."),
    title: str = typer.Option("Retold News", help="The site's title."),
    base_url: str = typer.Option("http://127.0.0.1:8000", help="Where the site will be served."),
) -> None:
    """Create a newsroom: retold.toml, an empty database and a prompts/ folder."""
    room = Newsroom.init(directory, title=title, base_url=base_url)
    state(ctx).console.print(
        f"Created a newsroom in [bold]{room.root}[/]. Next: "
        f"`retold -d {directory} add FEED_URL`, then `retold -d {directory} run`."
    )
    room.close()


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
    room = open_room(st)
    added: list[dict[str, object]] = []
    with room.db.transaction() as session:
        for target in targets:
            for url, kind, name in _expand(target):
                source, created = sources_store.add_source(session, url, kind, name)
                source.ignore_robots = ignore_robots or source.ignore_robots
                added.append({"id": source.id, "url": url, "kind": source.kind, "new": created})
    room.close()
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
    room = open_room(st)
    if opml:
        with room.db.transaction() as session:
            feeds = [
                OpmlFeed(title=s.name or s.url, xml_url=s.url)
                for s in sources_store.list_sources(session)
                if s.kind in ("feed", "auto")
            ]
        typer.echo(write_opml(feeds, room.settings.site.title))
        room.close()
        return
    with room.db.transaction() as session:
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
    room.close()
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


def _counts(room: Newsroom) -> dict[str, int]:
    with room.db.transaction() as session:

        def count(model: type, *where: ColumnElement[bool]) -> int:
            query = select(func.count()).select_from(model).where(*where)
            return int(session.scalar(query) or 0)

        return {
            "documents": count(Document),
            "documents_failed": count(Document, Document.status == "failed"),
            "stories": count(Story),
            "stories_skipped": count(Story, Story.status == "skipped"),
            "stories_pending": count(
                Story, Story.needs_write.is_(True), Story.status != articles_store.QUARANTINED
            ),
            "stories_quarantined": count(Story, Story.status == articles_store.QUARANTINED),
            "articles_published": count(Article, Article.status == "published"),
            "articles_held": count(Article, Article.status == "held"),
            "articles_quarantined": count(Article, Article.status == articles_store.QUARANTINED),
        }


def _quarantined(room: Newsroom) -> list[dict[str, Any]]:
    """Stories and articles set aside after failing or crashing, with the reasons."""
    with room.db.transaction() as session:
        return articles_store.quarantined(session)


def _held(room: Newsroom) -> list[dict[str, str]]:
    """Held articles, so an editor can find what to review and approve."""
    with room.db.transaction() as session:
        query = (
            select(Article.slug, ArticleVersion.headline, ArticleVersion.label)
            .join(ArticleVersion, ArticleVersion.article_id == Article.id)
            .where(Article.status == "held", ArticleVersion.version == Article.current_version)
        )
        return [{"slug": s, "headline": h, "label": lbl} for s, h, lbl in session.execute(query)]


def status(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """What the newsroom holds, what is held for an editor or quarantined (with the
    reason), and what the last runs did."""
    st = state(ctx)
    room = open_room(st)
    counts, held, quarantined = _counts(room), _held(room), _quarantined(room)
    runs: list[dict[str, Any]] = [
        {
            "id": r.id,
            "started": r.started_at,
            "finished": r.finished_at,
            "status": r.status,
            "stats": r.stats,
            "problems": r.problems[:20],
        }
        for r in last_runs(room, 5)
    ]
    room.close()
    if json_out:
        emit_json({"counts": counts, "held": held, "quarantined": quarantined, "runs": runs})
        return
    for key, value in counts.items():
        st.console.print(f"{key.replace('_', ' '):<20} {value}")
    for article in held:
        st.console.print(f"held: {article['slug']}  {article['headline']}")
    for item in quarantined:
        name = item.get("slug") or f"story {item['id']}"
        # Whole lines, never wrapped mid-reason: people grep these.
        st.console.print(f"quarantined: {name}  {item['title']}", markup=False, soft_wrap=True)
        st.console.print(f"  {item['reason']}", markup=False, soft_wrap=True)
    for run in runs:
        st.console.print(f"run {run['id']}: {run['status']} ({len(run['problems'])} problems)")


def cost(
    tokens_in: int, tokens_out: int, model: str, prices: dict[str, tuple[float, float]]
) -> float:
    """What the tokens cost, with prices per million tokens (in, out) from retold.toml."""
    price_in, price_out = prices.get(model, (0.0, 0.0))
    return (tokens_in * price_in + tokens_out * price_out) / 1_000_000


def _usage(room: Newsroom) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Token use and cost per model, and per run (article versions written during it)."""
    prices = room.settings.writer.prices
    with room.db.transaction() as session:
        versions = session.execute(
            select(
                ArticleVersion.backend,
                ArticleVersion.model,
                ArticleVersion.tokens_in,
                ArticleVersion.tokens_out,
                ArticleVersion.latency_ms,
                ArticleVersion.created_at,
            )
        ).all()
        runs = [(r.id, r.started_at, r.finished_at) for r in last_runs(room, 20)]
    by_model: dict[tuple[str, str], dict[str, Any]] = {}
    for backend, model, tin, tout, latency, _ in versions:
        row = by_model.setdefault(
            (backend, model),
            {
                "backend": backend,
                "model": model or "-",
                "versions": 0,
                "tokens_in": 0,
                "tokens_out": 0,
                "latency_ms": 0.0,
                "cost": 0.0,
            },
        )
        row["versions"] += 1
        row["tokens_in"] += tin
        row["tokens_out"] += tout
        row["latency_ms"] += latency
        row["cost"] += cost(tin, tout, model, prices)
    models = []
    for row in by_model.values():
        n = row.pop("versions")
        models.append(
            {
                **row,
                "versions": n,
                "avg_latency_ms": round(row.pop("latency_ms") / n, 1),
                "cost": round(row["cost"], 6),
                "cost_per_article": round(row["cost"] / n, 6),
            }
        )
    per_run = []
    for run_id, started, finished in runs:
        inside = [v for v in versions if v[5] >= started and (finished is None or v[5] <= finished)]
        total = sum(cost(v[2], v[3], v[1], prices) for v in inside)
        per_run.append(
            {
                "run": run_id,
                "articles": len(inside),
                "tokens_in": sum(v[2] for v in inside),
                "tokens_out": sum(v[3] for v in inside),
                "cost": round(total, 6),
                "cost_per_article": round(total / len(inside), 6) if inside else 0,
            }
        )
    return models, per_run


def stats(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Tokens, latency and cost per model, per article and per run."""
    st = state(ctx)
    room = open_room(st)
    models, runs = _usage(room)
    room.close()
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
    """Approve a held article as an editor; it is published on the next build."""
    st = state(ctx)
    room = open_room(st)
    with room.db.transaction() as session:
        article = session.scalar(select(Article).where(Article.slug == slug))
        if article is None:
            raise RetoldError(f"No article with slug '{slug}'.")
        article.reviewed_at = utcnow()
        article.status = "published"
        if article.published_at is None:
            article.published_at = utcnow()
        version = session.scalar(
            select(ArticleVersion).where(
                ArticleVersion.article_id == article.id,
                ArticleVersion.version == article.current_version,
            )
        )
        if version is not None:
            version.checked = False  # recompute the label, now with the editor's review
    room.close()
    st.console.print(f"Approved {slug}; run `retold run` or `retold build` to publish it.")


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
    room = open_room(st)
    try:
        with room.writing("retry"), room.db.transaction() as session:
            released = articles_store.release(session, None if all_ else target)
    finally:
        room.close()
    if not released:
        raise RetoldError(
            f"Nothing quarantined matches '{target}'." if target else "Nothing is quarantined."
        )
    st.console.print(f"Released {', '.join(released)}; `retold run` takes them up again.")
