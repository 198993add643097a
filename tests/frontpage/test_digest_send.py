"""Mailing the digest when the mail server fails midway, and `retold watch` sending it at
``[digest] hour``: real SMTP servers on loopback (aiosmtpd) with faults injected in their
handlers, every message parsed back with `email`."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from retold.daily import store as daily_store
from retold.newsroom import Newsroom
from retold.stages.report import RunReport
from retold.store.db import Database, alembic_config
from retold.store.schema import Base
from retold.watch import WatchSettings, digest_due, digest_if_due, watch
from tests.frontpage.conftest import Room, retold
from tests.frontpage.test_digest import env
from tests.smtp import Inbox, smtp_server

READERS = [f"reader{n}@example.org" for n in range(1, 6)]


class FlakyInbox(Inbox):
    """Takes ``accept`` messages, then answers every DATA with a 452 (a full mail store);
    refuses the recipients in ``unknown`` one by one, as a server does a missing mailbox."""

    def __init__(self, accept: int | None = None, unknown: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.accept = accept
        self.unknown = unknown

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.accept is not None and len(self.messages) >= self.accept:
            return "452 4.3.1 Insufficient system storage"
        return await super().handle_DATA(server, session, envelope)

    def recipients(self) -> list[str]:
        return [to for tos, _ in self.messages for to in tos]


@pytest.fixture()
def flaky() -> Iterator[tuple[FlakyInbox, int]]:
    with smtp_server(FlakyInbox()) as served:
        yield served


@pytest.fixture()
def room(sample_room: Room, tmp_path: Path) -> Path:
    """A copy of the sample newsroom (its own subscribers and digests), five readers."""
    root = tmp_path / "news"
    shutil.copytree(sample_room.root, root)
    with Newsroom.open(root) as opened, opened.db.transaction() as session:
        for old in daily_store.everyone(session):  # other tests' readers
            session.delete(old)
        session.flush()
        for address in READERS:
            daily_store.add(session, address)
    return root


def test_migration_0010_makes_the_digest_models_on_sqlite_and_postgresql(store_url: str) -> None:
    db = Database(store_url)
    try:
        cfg = alembic_config(store_url)
        with db.engine.begin() as conn:  # down to 0009 and up again: both directions work
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0009")
            command.upgrade(cfg, "head")
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        db.close()
    ours = ("subscribers", "digests", "digest_deliveries", "ix_subscribers_confirm_token")
    assert [d for d in diffs if any(name in repr(d) for name in ours)] == []


def test_a_send_cut_short_records_who_has_it_and_a_rerun_mails_only_the_rest(
    room: Path, flaky: tuple[FlakyInbox, int]
) -> None:
    inbox, port = flaky
    day = "2026-11-27"
    inbox.accept = 3
    cut = retold(room, "digest", "--day", day, env=env(port))
    said = cut.stderr + cut.stdout
    assert cut.returncode == 1, said
    assert (
        f"The digest for {day} was sent to 3 of 5 subscribers; the mail server "
        f"127.0.0.1:{port} refused the digest (452 4.3.1 Insufficient system storage); "
        f"run `retold digest --day {day}` again to send to the rest." in " ".join(said.split())
    )
    assert "Traceback" not in said
    first = inbox.recipients()
    assert first == READERS[:3]
    with Newsroom.open(room) as opened, opened.db.transaction() as session:
        assert daily_store.delivered(session, day) == set(first)
        row = session.get(daily_store.Digest, day)
        assert row is not None and row.sent_at is None
        edition = [item["headline"] for item in row.items]

    inbox.accept = None  # the server has room again
    rest = retold(room, "digest", "--day", day, "--json", env=env(port))
    assert rest.returncode == 0, rest.stderr
    report = json.loads(rest.stdout)
    assert report["sent"] == 2 and report["recipients"] == 5
    assert inbox.recipients() == READERS  # each reader exactly once
    for tos, message in inbox.messages:
        assert message["To"] == tos[0]
        plain = message.get_body(preferencelist=("plain",))
        assert plain is not None
        # the last two got the same edition as the first three, not a re-ranking
        assert all(headline in plain.get_content() for headline in edition)

    again = retold(room, "digest", "--day", day, "--json", env=env(port))
    assert json.loads(again.stdout)["sent"] == 0 and len(inbox.messages) == 5

    resent = retold(room, "digest", "--day", day, "--resend", "--json", env=env(port))
    assert json.loads(resent.stdout)["sent"] == 5
    assert inbox.recipients() == READERS + READERS


def test_one_refused_recipient_is_skipped_with_a_warning(
    room: Path, flaky: tuple[FlakyInbox, int]
) -> None:
    inbox, port = flaky
    inbox.unknown = frozenset({READERS[1]})
    done = subprocess_digest(room, port, "2026-11-28")
    assert done["sent"] == 4 and done["refused"] == [READERS[1]]
    assert inbox.recipients() == [r for r in READERS if r != READERS[1]]


def subprocess_digest(room: Path, port: int, day: str) -> dict[str, Any]:
    done = retold(room, "digest", "--day", day, "--json", env=env(port))
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_digest_is_due_once_the_hour_has_come_until_it_went_out() -> None:
    morning = datetime(2026, 11, 25, 6, 59, tzinfo=UTC)
    seven = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    mail = {"made": False, "sent": False, "mailing": True}
    assert not digest_due(morning, 7, **mail)
    assert digest_due(seven, 7, **mail) and digest_due(late, 7, **mail)
    assert digest_due(seven, 7, made=True, sent=False, mailing=True)  # cut short: retry
    assert not digest_due(seven, 7, made=True, sent=True, mailing=True)
    # no mail server: made once a day
    assert digest_due(seven, 7, made=False, sent=False, mailing=False)
    assert not digest_due(seven, 7, made=True, sent=False, mailing=False)
    # the hour is UTC whatever the clock's zone
    tokyo = datetime(2026, 11, 25, 15, 0, tzinfo=timezone(timedelta(hours=9)))  # 06:00 UTC
    assert not digest_due(tokyo, 7, **mail)


def test_watch_retries_a_failed_digest_at_the_next_cycle_without_mailing_twice(
    room: Path,
    flaky: tuple[FlakyInbox, int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox, port = flaky
    for name, value in env(port).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RETOLD_DIGEST_HOUR", "6")
    clock = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)  # before the hour: nothing happens
    inbox.accept = 2
    seen: list[Any] = []

    def after(r: Newsroom) -> None:
        seen.append(digest_if_due(r, now=clock))
        inbox.accept = None  # the server recovers after the first attempt

    with Newsroom.open(room) as opened:
        watch(opened, WatchSettings(interval=0.01, cycles=1), run_cycle=lambda r: RunReport(),
              after_cycle=after)  # fmt: skip
        assert seen == [None] and inbox.messages == []
        clock = datetime(2026, 11, 29, 6, 5, tzinfo=UTC)
        inbox.accept = 2
        caplog.set_level(logging.WARNING, logger="retold")
        state = watch(opened, WatchSettings(interval=0.01, cycles=3),
                      run_cycle=lambda r: RunReport(), after_cycle=after)  # fmt: skip
    assert state.cycles == 3
    assert seen[1] is None  # cut short: a warning, and the watch went on
    assert any("sent to 2 of 5" in r.getMessage() for r in caplog.records)
    assert seen[2] is not None and seen[2].sent == 3 and seen[2].day == "2026-11-29"
    assert seen[3] is None  # sent: the third cycle mails nobody
    assert sorted(inbox.recipients()) == READERS


def test_retold_watch_mails_the_digest_once_the_hour_has_come(
    room: Path, flaky: tuple[FlakyInbox, int]
) -> None:
    inbox, port = flaky
    hour = {**env(port), "RETOLD_DIGEST_HOUR": "0"}  # always past
    first = retold(room, "watch", "--cycles", "1", env=hour)
    assert first.returncode == 0, first.stderr
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert sorted(inbox.recipients()) == READERS
    assert all(today[:4] in str(m["Subject"]) for _, m in inbox.messages)
    assert (room / "site" / "digest" / today / "index.html").exists()
    second = retold(room, "watch", "--cycles", "1", env=hour)
    assert second.returncode == 0, second.stderr
    assert len(inbox.messages) == len(READERS)  # not again


def test_watch_leaves_the_digest_alone_when_told_to(
    room: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETOLD_DIGEST_SEND_FROM_WATCH", "false")
    noon = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with Newsroom.open(room) as opened:
        assert digest_if_due(opened, now=noon) is None
        with opened.db.transaction() as session:
            assert session.get(daily_store.Digest, "2026-11-30") is None
