"""The desk's tables come from migration 0008 exactly; accounts from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

import retold.desk.models  # noqa: F401 - registers the desk's tables on Base
from retold.desk.models import DeskUser
from retold.newsroom import Newsroom
from retold.store.db import Database
from retold.store.schema import Base


def _table(diff: Any) -> str:
    """The table a compare_metadata entry is about (entries are tuples, or lists of them)."""
    entry = diff[0] if isinstance(diff, list) else diff
    for part in entry[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else None
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if name is not None:
            return str(name)
        if isinstance(part, str):
            return part
    return ""


def test_the_migrations_make_exactly_the_desk_models(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "retold.db")
    try:
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        db.close()
    # Only the desk's own tables are this test's business (other features add theirs).
    assert [d for d in diffs if _table(d).startswith("desk_")] == []
    desk_tables = {t for t in Base.metadata.tables if t.startswith("desk_")}
    assert desk_tables == {
        "desk_users", "desk_sessions", "desk_throttle", "desk_actions", "desk_reports",
        "desk_corrections", "desk_flags", "desk_marks",
    }  # fmt: skip


def _retold(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retold", "-d", str(root), *args],
        input=stdin, capture_output=True, text=True,
    )  # fmt: skip


def test_user_add_hashes_with_argon2_and_refuses_mistakes(tmp_path: Path) -> None:
    root = tmp_path / "news"
    Newsroom.init(root).close()
    added = _retold(root, "desk", "user", "add", "kim", "--role", "admin", stdin="long enough pw\n")
    assert added.returncode == 0, added.stderr
    secret = tmp_path / "pw"
    secret.write_text("another long one\n")
    assert (
        _retold(root, "desk", "user", "add", "lee", "--password-file", str(secret)).returncode == 0
    )
    for args, stdin, says in (
        (("kim",), "long enough pw\n", "already a desk user"),
        (("max", "--role", "owner"), "long enough pw\n", "role must be one of"),
        (("max",), "short\n", "at least 10 characters"),
        (("max", "--password-file", str(tmp_path / "none")), "", "Could not read"),
    ):
        refused = _retold(root, "desk", "user", "add", *args, stdin=stdin)
        assert refused.returncode == 2 and says in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    with Newsroom.open(root) as room, room.db.transaction() as session:
        users = {u.name: u for u in session.scalars(select(DeskUser))}
    assert set(users) == {"kim", "lee"} and users["kim"].role == "admin"
    assert users["lee"].password_hash.startswith("$argon2id$")
    assert _retold(root, "desk", "user", "passwd", "lee", stdin="a new long one\n").returncode == 0
    assert _retold(root, "desk", "user", "disable", "lee").returncode == 0
    with Newsroom.open(root) as room, room.db.transaction() as session:
        lee = session.scalar(select(DeskUser).where(DeskUser.name == "lee"))
        assert lee is not None and lee.disabled and lee.password_hash != users["lee"].password_hash
    nobody = _retold(root, "desk", "user", "passwd", "nobody", stdin="long enough pw\n")
    assert nobody.returncode == 2 and "no desk user called 'nobody'" in nobody.stderr


def test_cli_approve_then_build_alone_publishes_the_review(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tests.desk.seed import seed

    root = tmp_path / "news"
    seed(root)
    approved = _retold(root, "approve", "2026/11/bridge-closes")
    assert approved.returncode == 0 and "retold build" in approved.stderr
    assert _retold(root, "build").returncode == 0
    today = datetime.now(UTC).date()
    html = (root / "site" / "2026" / "11" / "bridge-closes" / "index.html").read_text()
    assert f"Reviewed by an editor on {today.day} {today:%b %Y}." in html


def test_a_pipeline_rewrite_of_an_approved_article_is_no_longer_reviewed(tmp_path: Path) -> None:
    from retold.records import Draft
    from retold.store import articles as articles_store
    from retold.store.schema import Article, Story, utcnow
    from tests.desk.seed import seed

    root = tmp_path / "news"
    ids = seed(root)
    with Newsroom.open(root) as room, room.db.transaction() as session:
        assert articles_store.approve(session, "2026/11/bridge-closes")
    with Newsroom.open(root) as room, room.db.transaction() as session:
        article = session.get(Article, ids["held"])
        assert article is not None and article.reviewed_at is not None
        story = session.get(Story, article.story_id)
        assert story is not None
        draft = Draft("New headline", "New standfirst.", ["A new text."], "A new teaser.")
        articles_store.add_version(session, story, draft, [], utcnow())
        assert article.reviewed_at is None and article.status == "draft"


def test_retold_desk_serves_on_loopback(tmp_path: Path) -> None:
    import socket
    import time

    import httpx

    root = tmp_path / "news"
    Newsroom.init(root).close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "retold", "-d", str(root), "desk", "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # until it listens (imports take a few seconds)
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/desk/login", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        else:
            raise AssertionError("retold desk never answered")
        assert page.status_code == 200 and "Sign in to the desk" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 404  # no --site
    finally:
        server.terminate()
        server.wait(timeout=30)
    refused = _retold(root, "desk", "--port", "70000")
    assert refused.returncode == 2 and "--port must be between" in refused.stderr
