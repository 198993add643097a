"""The digest's double opt-in through the desk: a real desk (uvicorn) and a real SMTP server
(aiosmtpd) on loopback; the confirmation mail parsed back with `email`."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from retold.daily import store as daily_store
from retold.daily.digest import make_digest
from retold.desk.app import make_app
from retold.newsroom import Newsroom
from retold.store.schema import utcnow
from tests.desk.conftest import serve
from tests.frontpage.test_digest import env
from tests.smtp import Inbox, smtp_server


@pytest.fixture()
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server(Inbox()) as served:
        yield served


@pytest.fixture()
def desk(
    tmp_path: Path,
    seeded: tuple[Path, dict[str, int]],
    inbox: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[httpx.Client, Newsroom]]:
    """The seeded newsroom's desk, mailing through the loopback SMTP server."""
    for name, value in env(inbox[1]).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RETOLD_SITE_REPORT_URL", "/desk")  # the desk served behind the site
    root = tmp_path / "news"
    shutil.copytree(seeded[0], root)
    room = Newsroom.open(root)
    try:
        for url in serve(make_app(room, room.output_dir)):
            with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as client:
                yield client, room
    finally:
        room.close()


def subscribers(room: Newsroom) -> dict[str, bool]:
    with room.db.transaction() as session:
        return {s.email: s.confirmed for s in daily_store.everyone(session)}


def test_sign_up_mails_a_link_whose_get_shows_a_button_and_whose_post_confirms(
    desk: tuple[httpx.Client, Newsroom], inbox: tuple[Inbox, int]
) -> None:
    client, room = desk
    form = client.get("/desk/subscribe")
    assert form.status_code == 200 and 'action="/desk/subscribe"' in form.text
    assert "form-action 'self'" in form.headers["content-security-policy"]

    done = client.post("/desk/subscribe", data={"email": "Reader@Example.ORG"})
    assert done.status_code == 200 and "Reader@example.org" in done.text
    assert subscribers(room) == {"Reader@example.org": False}
    box, _ = inbox
    assert len(box.messages) == 1
    tos, mail = box.messages[0]
    assert tos == ["Reader@example.org"] and "Confirm your subscription" in str(mail["Subject"])
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"(\S+/desk/subscribe/confirm\?t=\S+)", body.get_content())
    assert found is not None
    link = urlsplit(found.group(1))
    base = room.settings.site.base_url  # from the settings, never the request's Host
    assert found.group(1).startswith(f"{base}/desk/subscribe/confirm?t=")
    token = link.query.removeprefix("t=")
    assert token not in done.text  # only the mailbox learns the secret

    # A mail scanner (or the reader) opening the link confirms nothing.
    page = client.get(f"{link.path}?{link.query}")
    assert page.status_code == 200 and 'action="/desk/subscribe/confirm"' in page.text
    assert subscribers(room) == {"Reader@example.org": False}
    # A guessed or stale token confirms nothing either, GET or POST.
    assert client.get("/desk/subscribe/confirm?t=nope").status_code == 404
    assert client.post("/desk/subscribe/confirm", data={"t": "nope"}).status_code == 404
    # Not confirmed: no digest for it.
    day = "2026-11-25"
    assert make_digest(room, day=day).sent == 0

    confirmed = client.post("/desk/subscribe/confirm", data={"t": token})
    assert confirmed.status_code == 200 and "subscribed" in confirmed.text
    assert subscribers(room) == {"Reader@example.org": True}
    again = client.post("/desk/subscribe/confirm", data={"t": token})
    assert again.status_code == 404  # a link confirms once

    result = make_digest(room, day=day)
    assert result.sent == 1
    tos, digest = box.messages[-1]
    assert tos == ["Reader@example.org"] and "digest" in str(digest["Subject"])
    assert "List-Unsubscribe" in digest
    page_html = (room.output_dir / "digest" / day / "index.html").read_text()
    assert 'href="/desk/subscribe"' in page_html  # the static page links to the form

    # Signing up an address that is subscribed says the same and mails nothing.
    same = client.post("/desk/subscribe", data={"email": "Reader@EXAMPLE.org"})
    assert same.status_code == 200 and len(box.messages) == 2


def test_hostile_or_oversized_input_is_refused_and_inert(
    desk: tuple[httpx.Client, Newsroom], inbox: tuple[Inbox, int]
) -> None:
    client, room = desk
    hostile = '"><script>alert(1)</script>@example.org'
    bad = client.post("/desk/subscribe", data={"email": hostile})
    assert bad.status_code == 400
    assert "<script>" not in bad.text and "&lt;script&gt;" in bad.text
    assert "is not an email address" in bad.text
    huge = client.post("/desk/subscribe", data={"email": "a" * 300 + "@example.org"})
    assert huge.status_code == 400 and "at most 254 characters" in huge.text
    too_big = client.post(
        "/desk/subscribe", content=b"email=" + b"a" * 300_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert too_big.status_code == 413
    assert client.post("/desk/subscribe", json={"email": "x@example.org"}).status_code == 415
    cross = client.post(
        "/desk/subscribe/confirm", data={"t": "x"}, headers={"origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    assert subscribers(room) == {} and inbox[0].messages == []


def test_sign_ups_are_rate_limited_and_stale_ones_purged(
    desk: tuple[httpx.Client, Newsroom], inbox: tuple[Inbox, int]
) -> None:
    client, room = desk
    codes = [
        client.post("/desk/subscribe", data={"email": "pat@example.org"}).status_code
        for _ in range(5)
    ]
    # One mailbox gets a few confirmation mails, then the form makes it wait.
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429
    assert len(inbox[0].messages) == 3
    links = {m.get_content() for _, m in inbox[0].messages}  # plain text only
    assert len(links) == 1  # the same link while it is valid
    with room.db.transaction() as session:
        row = session.scalar(
            daily_store.select(daily_store.Subscriber).where(
                daily_store.Subscriber.email == "pat@example.org"
            )
        )
        assert row is not None and row.confirm_token is not None
        token = row.confirm_token
        row.added_at = utcnow() - timedelta(days=daily_store.CONFIRM_DAYS + 1)
    assert client.get(f"/desk/subscribe/confirm?t={token}").status_code == 404  # expired
    with room.db.transaction() as session:
        assert daily_store.purge_unconfirmed(session) == 1
    assert subscribers(room) == {}


def test_one_reader_is_one_subscriber_whatever_the_case_of_the_address(tmp_path: Path) -> None:
    with Newsroom.init(tmp_path / "news") as room, room.db.transaction() as session:
        assert daily_store.add(session, "Kim.Berg@Example.org")
        assert not daily_store.add(session, "kim.berg@example.ORG")
        assert daily_store.sign_up(session, "KIM.BERG@example.org").confirm_token == ""
        assert [s.email for s in daily_store.everyone(session)] == ["Kim.Berg@example.org"]
        assert daily_store.remove(session, "kim.berg@EXAMPLE.org")
        assert daily_store.everyone(session) == []
