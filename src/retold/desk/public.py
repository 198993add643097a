"""The desk's public side: what its record contributes to the published site (read by the
publish stage), and readers' pages served by `retold desk` (the digest's sign-up)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from retold.daily import store as daily_store
from retold.daily.mail import can_mail, reason, send_one
from retold.daily.render import confirmation_email
from retold.desk.models import Correction
from retold.errors import RetoldError
from retold.newsroom import Newsroom
from retold.records import CorrectionNote, SiteInfo
from retold.store.schema import aware

log = logging.getLogger("retold")


def corrections_by_article(
    session: Session, ids: Iterable[int] | None = None
) -> dict[int, list[CorrectionNote]]:
    """Each article's standing corrections, oldest first (only ``ids`` if given)."""
    query = select(Correction).where(Correction.withdrawn.is_(False))
    if ids is not None:
        query = query.where(Correction.article_id.in_(list(ids)))
    out: dict[int, list[CorrectionNote]] = {}
    for row in session.scalars(query.order_by(Correction.at, Correction.id)):
        out.setdefault(row.article_id, []).append(CorrectionNote(aware(row.at), row.note))
    return out


# -- the digest's sign-up form (double opt-in) ------------------------------------------
#
# Public like the report form: no session and no CSRF token, limited per client address
# and per mailbox instead. A sign-up only ever mails the address itself; the subscriber is
# confirmed by a POST carrying the secret from that mail, so a third party who signs
# someone up cannot confirm for them, and a link scanner's GET confirms nothing.

SIGNUPS_PER_WINDOW = 5  # per client address, then back-off (like reports)
MAILS_PER_ADDRESS = 3  # confirmation mails to one mailbox per window: no mail-bombing


def desk_url(site: SiteInfo, prefix: str = "/desk") -> str:
    """The desk's public address, from the settings, never from the request's Host header
    (which a client chooses: a forged one would put its own server in the mailed link)."""
    base = site.report_url or prefix
    return site.base_url + base if base.startswith("/") else base.rstrip("/")


def confirm_url(site: SiteInfo, token: str, prefix: str = "/desk") -> str:
    return f"{desk_url(site, prefix)}/subscribe/confirm?t={quote(token)}"


class _Desk(Protocol):
    room: Newsroom

    def page(self, template: str, status: int = 200, **ctx: Any) -> HTMLResponse: ...


FormReader = Callable[[Request], Awaitable["dict[str, str] | Response"]]


def subscription_routes(
    desk: _Desk,
    prefix: str,
    read_form: FormReader,
    client: Callable[[Request], str],
    same_origin: Callable[[Request], bool],
) -> list[Route]:
    """GET/POST {prefix}/subscribe and GET/POST {prefix}/subscribe/confirm."""
    from starlette.concurrency import run_in_threadpool

    from retold.desk import auth

    cfg = desk.room.settings.digest

    def show(step: str, status: int = 200, message: str = "", **ctx: Any) -> HTMLResponse:
        ctx = {"email": "", "token": "", **ctx}
        return desk.page("subscribe.html", status, step=step, message=message, **ctx)

    def closed() -> HTMLResponse:
        return show("closed", 404, "This newsroom does not mail a digest.")

    def limited(wait: int, message: str) -> HTMLResponse:
        response = show("form", 429, message)
        response.headers["Retry-After"] = str(wait)
        return response

    async def form(request: Request) -> Response:
        return show("form") if can_mail(cfg) else closed()

    async def sign_up(request: Request) -> Response:
        posted = await read_form(request)
        if isinstance(posted, Response):
            return posted
        if not can_mail(cfg):
            return closed()
        address = posted.get("email", "").strip()
        if len(address) > daily_store.EMAIL_MAX:
            message = f"An email address has at most {daily_store.EMAIL_MAX} characters."
            return show("form", 400, message)
        try:
            email = daily_store.normal_email(address)
        except RetoldError as err:  # the sentence quotes the input: the template escapes it
            return show("form", 400, str(err), email=address)
        keys = (f"subscribe-ip:{client(request)}", f"subscribe-email:{email.lower()}")

        def work() -> tuple[int, str]:
            with desk.room.db.transaction() as session:
                wait = max(auth.blocked_for(session, k) for k in keys)
                if wait:
                    return wait, ""
                # Every sign-up counts, not just failures: each one may send a mail.
                auth.record_failure(session, keys[0], free=SIGNUPS_PER_WINDOW)
                auth.record_failure(session, keys[1], free=MAILS_PER_ADDRESS)
                return 0, daily_store.sign_up(session, email).confirm_token

        wait, token = await run_in_threadpool(work)
        if wait:
            return limited(wait, "Too many sign-ups from here; try again later.")
        if token:  # "": subscribed already; the answer is the same, so it tells no one
            site = desk.room.site_info()
            mail = confirmation_email(
                site,
                sender=cfg.sender,
                to=email,
                confirm_url=confirm_url(site, token, prefix),
                days=daily_store.CONFIRM_DAYS,
            )
            try:
                await run_in_threadpool(send_one, cfg, mail)
            except (OSError, smtplib.SMTPException) as err:
                log.warning("The sign-up confirmation was not mailed: %s", reason(err))
                return show("form", 503, "The mail could not be sent; try again later.")
        return show("sent", email=email)

    async def confirm_page(request: Request) -> Response:
        token = request.query_params.get("t", "")

        def work() -> str:
            with desk.room.db.transaction() as session:
                row = daily_store.awaiting(session, token)
                return "" if row is None else row.email

        email = await run_in_threadpool(work)
        if not email:
            return show("dead", 404, DEAD_LINK)
        # A page with a button, not the confirmation: mail scanners open links with GET.
        return show("confirm", email=email, token=token)

    async def confirm(request: Request) -> Response:
        posted = await read_form(request)
        if isinstance(posted, Response):
            return posted
        if not same_origin(request):
            return show("dead", 403, "Cross-site request refused.")
        key = f"subscribe-confirm-ip:{client(request)}"

        def work() -> tuple[int, str]:
            with desk.room.db.transaction() as session:
                wait = auth.blocked_for(session, key)
                if wait:
                    return wait, ""
                email = daily_store.confirm(session, posted.get("t", ""))
                if not email:
                    auth.record_failure(session, key)  # guessing tokens stays slow
                return 0, email

        wait, email = await run_in_threadpool(work)
        if wait:
            return limited(wait, "Too many tries from here; try again later.")
        if not email:
            return show("dead", 404, DEAD_LINK)
        return show("done", email=email)

    return [
        Route(f"{prefix}/subscribe", form, methods=["GET"]),
        Route(f"{prefix}/subscribe", sign_up, methods=["POST"]),
        Route(f"{prefix}/subscribe/confirm", confirm_page, methods=["GET"]),
        Route(f"{prefix}/subscribe/confirm", confirm, methods=["POST"]),
    ]


DEAD_LINK = (
    "This confirmation link has expired or was used already; sign up again to get a new one."
)
