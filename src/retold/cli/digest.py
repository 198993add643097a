"""`retold frontpage` (editors' pins and demotions, the stored ranking) and the digest."""

from __future__ import annotations

from typing import Any

import typer

from retold.cli.newsroom import open_room
from retold.cli.output import emit_json, state
from retold.errors import RetoldError
from retold.publish.ranking import DEMOTE, PIN
from retold.store import frontpage as frontpage_store

frontpage_app = typer.Typer(help="The front page: pin or demote stories, see the ranking.")


def register(app: typer.Typer) -> None:
    """Adds this module's commands to `retold`."""
    app.add_typer(frontpage_app, name="frontpage")


def _place(ctx: typer.Context, slug: str, placement: str | None, note: str) -> None:
    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        found = frontpage_store.set_placement(session, slug, placement, note)
    if not found:
        raise RetoldError(f"No article with slug '{slug}'.")
    done = {PIN: "Pinned", DEMOTE: "Demoted", None: "Cleared the placement of"}[placement]
    st.console.print(f"{done} {slug}; the next `retold build` ranks it so.")


@frontpage_app.command("pin")
def pin(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The article's slug."),
    note: str = typer.Option("", "--note", help="Why (kept with the placement)."),
) -> None:
    """Keep an article at the top of the front page."""
    _place(ctx, slug, PIN, note)


@frontpage_app.command("demote")
def demote(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The article's slug."),
    note: str = typer.Option("", "--note", help="Why (kept with the placement)."),
) -> None:
    """Rank an article below the others (it stays published)."""
    _place(ctx, slug, DEMOTE, note)


@frontpage_app.command("clear")
def clear(ctx: typer.Context, slug: str = typer.Argument(..., help="The article's slug.")) -> None:
    """Remove a pin or demotion."""
    _place(ctx, slug, None, "")


@frontpage_app.command("ranking")
def show_ranking(
    ctx: typer.Context,
    limit: int = typer.Option(10, "--limit", min=1, help="How many stories to show."),
    json_out: bool = typer.Option(False, "--json", help="The whole stored ranking as JSON."),
) -> None:
    """The ranking the last build stored, with every term of each score."""
    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        row = frontpage_store.latest_build(session)
        data: dict[str, Any] | None = (
            None
            if row is None
            else {
                "built_at": row.built_at.isoformat(),
                "reference_time": row.reference_time.isoformat() if row.reference_time else None,
                "weights": row.weights,
                "stories": row.ranking,
            }
        )
    if data is None:
        raise RetoldError("No build has been ranked yet; run `retold build` first.")
    if json_out:
        emit_json(data)
        return
    st.console.print(f"Ranking of the build at {data['built_at']}:")
    for r in data["stories"][:limit]:
        mark = f" [{r['placement']}]" if r["placement"] else ""
        st.console.print(
            f"{r['rank']:>3}. {r['score']:8.3f}  {r['slug']}{mark}  "
            f"(outlets {r['outlets']}, recent {r['recent_outlets']}, "
            f"confidence {r['confidence']:.2f}, age {r['age_hours']:.1f} h)",
            markup=False,
            soft_wrap=True,
        )
