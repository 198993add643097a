"""`retold digest`: compose today's digest from the ranking, publish it, mail it.

Glue between the store, the site build and SMTP; the pure parts are compose and render.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from sqlalchemy import select

from retold.daily import store as daily_store
from retold.daily.compose import DigestItem, summary
from retold.daily.mail import reason, server_name, smtp_session
from retold.daily.render import email
from retold.errors import RetoldError
from retold.newsroom import Newsroom
from retold.publish import urls
from retold.publish.ranking import DEMOTE, Ranked
from retold.stages.publish import publish
from retold.stages.report import RunReport
from retold.store import articles as articles_store
from retold.store.schema import Article, utcnow

log = logging.getLogger("retold")


class DigestPartlySent(RetoldError):
    """The mail server stopped taking the digest midway; who has it is recorded."""

    exit_code = 1  # as a partial run: some readers have it, a rerun mails the rest


@dataclass(frozen=True)
class DigestResult:
    day: str
    items: tuple[DigestItem, ...]
    sent: int  # emails handed to the SMTP server by this call
    page: str  # the digest's page, absolute URL
    recipients: int = 0  # everyone who has the day's digest, this call's and earlier ones
    refused: tuple[str, ...] = ()  # addresses the server refused one by one (not sent)


def _items(room: Newsroom, ranked: Sequence[Ranked], top: int) -> list[DigestItem]:
    site = room.site_info()
    picked = [r for r in ranked if r.placement != DEMOTE][:top]
    outlets = {r.slug: r.outlets for r in picked}
    with room.db.transaction() as session:
        ids = list(
            session.scalars(select(Article.id).where(Article.slug.in_([r.slug for r in picked])))
        )
        rows = {a.slug: (a, v) for a, v in articles_store.published_articles(session, ids)}
        items = []
        for r in picked:
            if r.slug not in rows:
                continue
            _, version = rows[r.slug]
            checks = articles_store.load_checks(version)
            by_text = {(c.paragraph, c.text): c for c in checks}
            sentences = [
                (text, by_text.get((p, text)))
                for p, para in enumerate(_sentences(list(version.paragraphs)))
                for text in para
            ]
            standfirst_check = next((c for c in checks if c.paragraph == -2), None)
            items.append(
                DigestItem(
                    slug=r.slug,
                    headline=version.headline,
                    url=urls.absolute(site, urls.article_rel(r.slug)),
                    label=version.label,
                    summary=summary(version.standfirst, sentences, standfirst_check),
                    outlets=outlets[r.slug],
                )
            )
    return items


def _sentences(paragraphs: list[str]) -> list[list[str]]:
    from retold.verify.repair import sentences_of

    return sentences_of(paragraphs)


def check_day(day: str | None, now: datetime | None = None) -> str:
    """The day as yyyy-mm-dd (today in UTC by default), or one sentence saying what's wrong."""
    day = day or (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        raise RetoldError(f"'{day}' is not a day like 2026-11-25.") from None
    return day


def make_digest(
    room: Newsroom, *, day: str | None = None, top: int | None = None, send: bool = True,
    resend: bool = False,
) -> DigestResult:  # fmt: skip
    """Rank (a build), store the day's digest, publish it (a second build), then mail it.

    Mailing goes to the confirmed subscribers who don't have the day's digest yet (all of
    them with ``resend``); once anyone has it, a rerun mails the rest that same edition.
    """
    cfg = room.settings.digest
    day = check_day(day)
    with room.db.transaction() as session:
        row = session.get(daily_store.Digest, day)
        stored = [DigestItem.from_dict(d) for d in row.items] if row is not None else []
        mailed = daily_store.count_delivered(session, day)
    page = urls.absolute(room.site_info(), f"digest/{day}/")
    if stored and mailed and not resend:
        items = stored  # readers have this edition: the rest get the same, not a re-ranking
    else:
        ranked = publish(room, RunReport()).ranking
        items = _items(room, ranked, top or cfg.top)
        if not items:
            raise RetoldError("Nothing is published yet, so there is no digest to make.")
        with room.db.transaction() as session:
            daily_store.save_digest(session, day, [i.as_dict() for i in items])
        publish(room, RunReport())  # the digest's page and feed entry
    sent = 0
    refused: tuple[str, ...] = ()
    if send and cfg.smtp_host:
        sent, refused = _send(room, day, items, page, resend=resend)
    with room.db.transaction() as session:
        recipients = daily_store.count_delivered(session, day)
    return DigestResult(day, tuple(items), sent, page, recipients, refused)


def _send(
    room: Newsroom, day: str, items: Sequence[DigestItem], page: str, *, resend: bool
) -> tuple[int, tuple[str, ...]]:
    """Mail the readers who don't have the day's digest, recording each as it goes."""
    cfg = room.settings.digest
    site = room.site_info()
    if not cfg.sender:
        raise RetoldError("Set [digest] sender (the From: address) before sending the digest.")
    unsubscribe_email = cfg.unsubscribe_email or cfg.sender.rsplit("<", 1)[-1].rstrip(">")
    with room.db.transaction() as session:
        if resend:
            daily_store.forget_deliveries(session, day)
        done = daily_store.delivered(session, day)
        readers = [(s.email, s.token) for s in daily_store.confirmed(session)]
    todo = [(address, token) for address, token in readers if address not in done]
    sent, refused = 0, []
    try:
        if todo:
            with smtp_session(cfg) as smtp:
                for address, token in todo:
                    message = email(
                        site,
                        day,
                        items,
                        sender=cfg.sender,
                        to=address,
                        unsubscribe_url=urls.absolute(site, "digest/unsubscribe/")
                        + f"?t={quote(token)}",
                        unsubscribe_email=unsubscribe_email,
                        token=token,
                        page_url=page,
                    )
                    try:
                        smtp.send_message(message)
                    except smtplib.SMTPRecipientsRefused as err:
                        # One bad address must not cost everyone after it their digest.
                        said = "; ".join(reason_of(v) for v in err.recipients.values())
                        log.warning(
                            "The mail server refused the digest for %s (%s); skipped.",
                            address,
                            said,
                            extra={"event": "digest", "status": "refused"},
                        )
                        refused.append(address)
                        continue
                    # Committed per message: a send cut short still knows who has it. A
                    # crash between the two lines mails that one reader twice, never none.
                    with room.db.transaction() as session:
                        daily_store.record_delivery(session, day, address)
                    sent += 1
    except (OSError, smtplib.SMTPException) as err:
        have, total = len(done) + sent, len(readers)
        raise DigestPartlySent(
            f"The digest for {day} was sent to {have} of {total} subscriber"
            f"{'' if total == 1 else 's'}; the mail server {server_name(cfg)} refused the "
            f"digest ({reason(err)}); run `retold digest --day {day}` again to send to the "
            "rest."
        ) from None
    with room.db.transaction() as session:
        stored = session.get(daily_store.Digest, day)
        assert stored is not None
        stored.sent_at = utcnow()
        stored.recipients = daily_store.count_delivered(session, day)
    return sent, tuple(refused)


def reason_of(refusal: tuple[int, bytes]) -> str:
    code, said = refusal
    return f"{code} {said.decode('utf-8', 'replace')}".strip()
