"""`retold digest`: compose today's digest from the ranking, publish it, mail it.

Glue between the store, the site build and SMTP; the pure parts are compose and render.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from sqlalchemy import select

from retold.daily import store as daily_store
from retold.daily.compose import DigestItem, summary
from retold.daily.render import email
from retold.errors import RetoldError
from retold.newsroom import Newsroom
from retold.publish import urls
from retold.publish.ranking import DEMOTE, Ranked
from retold.stages.publish import publish
from retold.stages.report import RunReport
from retold.store import articles as articles_store
from retold.store.schema import Article, utcnow


@dataclass(frozen=True)
class DigestResult:
    day: str
    items: tuple[DigestItem, ...]
    sent: int  # emails handed to the SMTP server
    page: str  # the digest's page, absolute URL


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


def make_digest(
    room: Newsroom, *, day: str | None = None, top: int | None = None, send: bool = True,
    resend: bool = False,
) -> DigestResult:  # fmt: skip
    """Rank (a build), store the day's digest, publish it (a second build), then mail it."""
    cfg = room.settings.digest
    day = day or datetime.now(UTC).strftime("%Y-%m-%d")
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        raise RetoldError(f"'{day}' is not a day like 2026-11-25.") from None
    ranked = publish(room, RunReport()).ranking
    items = _items(room, ranked, top or cfg.top)
    if not items:
        raise RetoldError("Nothing is published yet, so there is no digest to make.")
    with room.db.transaction() as session:
        row = daily_store.save_digest(session, day, [i.as_dict() for i in items])
        already = row.sent_at is not None
    publish(room, RunReport())  # the digest's page and feed entry
    site = room.site_info()
    page = urls.absolute(site, f"digest/{day}/")
    sent = 0
    if send and cfg.smtp_host and (resend or not already):
        sent = _send(room, day, items, page)
        with room.db.transaction() as session:
            stored = session.get(daily_store.Digest, day)
            assert stored is not None
            stored.sent_at, stored.recipients = utcnow(), sent
    return DigestResult(day, tuple(items), sent, page)


def _send(room: Newsroom, day: str, items: Sequence[DigestItem], page: str) -> int:
    cfg = room.settings.digest
    site = room.site_info()
    if not cfg.sender:
        raise RetoldError("Set [digest] sender (the From: address) before sending the digest.")
    unsubscribe_email = cfg.unsubscribe_email or cfg.sender.rsplit("<", 1)[-1].rstrip(">")
    with room.db.transaction() as session:
        readers = [(s.email, s.token) for s in daily_store.confirmed(session)]
    if not readers:
        return 0
    try:
        with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=30) as smtp:
            if cfg.smtp_starttls:
                smtp.starttls()
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, cfg.smtp_password)
            for address, token in readers:
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
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as err:
        raise RetoldError(
            f"The mail server {cfg.smtp_host}:{cfg.smtp_port} refused the digest: {err}."
        ) from None
    return len(readers)
