"""`retold frontpage` (pins, demotions, the ranking), `retold digest`, `retold subscribers`."""

from __future__ import annotations

from typing import Any

import typer

from retold.cli.newsroom import open_room
from retold.cli.output import emit_json, state
from retold.errors import RetoldError
from retold.publish.ranking import DEMOTE, PIN
from retold.store import frontpage as frontpage_store

frontpage_app = typer.Typer(help="The front page: pin or demote stories, see the ranking.")


subscribers_app = typer.Typer(help="The daily digest's email subscribers.")


def register(app: typer.Typer) -> None:
    """Adds this module's commands to `retold`."""
    app.add_typer(frontpage_app, name="frontpage")
    app.command("digest")(digest)
    app.add_typer(subscribers_app, name="subscribers")


def digest(
    ctx: typer.Context,
    day: str = typer.Option("", "--day", help="The day, yyyy-mm-dd (default: today, UTC)."),
    top: int = typer.Option(0, "--top", min=0, help="Stories in it (default: [digest] top)."),
    send: bool = typer.Option(True, "--send/--no-send", help="Mail it to the subscribers."),
    resend: bool = typer.Option(
        False, "--resend", help="Mail it to every subscriber again, even those who have it."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the digest as JSON."),
) -> None:
    """Make today's digest: the top stories as a page, a feed entry and an email."""
    from retold.cli.run import faults_as_sentences
    from retold.daily.digest import make_digest
    from retold.newsroom import Newsroom

    st = state(ctx)
    with faults_as_sentences(st.dir):
        room = Newsroom.open(st.dir)
        try:
            with room.writing("digest"):
                result = make_digest(
                    room, day=day or None, top=top or None, send=send, resend=resend
                )
        finally:
            room.close()
    if json_out:
        emit_json(
            {
                "day": result.day,
                "page": result.page,
                "sent": result.sent,
                "recipients": result.recipients,
                "refused": list(result.refused),
                "items": [i.as_dict() for i in result.items],
            }
        )
        return
    st.console.print(
        f"Digest for {result.day}: {len(result.items)} stories, {result.page}; "
        f"mailed to {result.sent} subscriber{'' if result.sent == 1 else 's'}"
        + (f" ({result.recipients} have it in all)." if result.recipients > result.sent else "."),
        markup=False,
        soft_wrap=True,
    )
    if result.refused:
        st.console.print(
            f"The mail server refused {', '.join(result.refused)}; they were skipped.",
            markup=False,
            soft_wrap=True,
        )


@subscribers_app.command("add")
def subscribers_add(
    ctx: typer.Context, emails: list[str] = typer.Argument(..., help="Email addresses.")
) -> None:
    """Subscribe addresses to the daily digest (confirmed: you add them yourself)."""
    from retold.daily import store as daily_store

    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        added = [e for e in emails if daily_store.add(session, e)]
    st.console.print(f"Added {len(added)} of {len(emails)} (the rest were subscribed already).")


@subscribers_app.command("remove")
def subscribers_remove(
    ctx: typer.Context,
    emails: list[str] = typer.Argument(..., help="Addresses, or tokens from unsubscribe links."),
) -> None:
    """Unsubscribe addresses (or the tokens of their unsubscribe links)."""
    from retold.daily import store as daily_store

    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        removed = [e for e in emails if daily_store.remove(session, e)]
    if not removed:
        raise RetoldError("None of those addresses was subscribed.")
    st.console.print(f"Removed {len(removed)}.")


@subscribers_app.command("list")
def subscribers_list(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print them as JSON."),
) -> None:
    """The digest's subscribers; unconfirmed sign-ups (from the desk's form) are marked."""
    from retold.daily import store as daily_store
    from retold.store.schema import aware

    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        rows = [
            (s.email, s.confirmed, aware(s.added_at).isoformat())
            for s in daily_store.everyone(session)
        ]
    if json_out:
        emit_json([{"email": e, "confirmed": c, "added_at": a} for e, c, a in rows])
        return
    for email, confirmed, added in rows:
        mark = "" if confirmed else f"  (unconfirmed, signed up {added[:10]})"
        st.console.print(email + mark, markup=False)


@subscribers_app.command("purge")
def subscribers_purge(
    ctx: typer.Context,
    days: int = typer.Option(7, "--days", min=0, help="Forget sign-ups older than this."),
) -> None:
    """Forget sign-ups nobody confirmed (they are never mailed a digest)."""
    from retold.daily import store as daily_store

    st = state(ctx)
    with open_room(st) as room, room.db.transaction() as session:
        gone = daily_store.purge_unconfirmed(session, days)
    st.console.print(f"Forgot {gone} unconfirmed sign-up{'' if gone == 1 else 's'}.")


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
