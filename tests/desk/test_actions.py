"""Editors' actions through the real server: approve, reject, edit, re-check, correct,
undo, conflicts with the pipeline, readers' reports; and what `retold build` publishes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from retold.desk.models import DeskAction, ReaderReport
from retold.newsroom import Newsroom
from retold.store.schema import Article, ArticleVersion
from tests.desk.conftest import Browser, DeskServer
from tests.desk.seed import HARBOUR_ARTICLE


def build(root: Path) -> None:
    cmd = [sys.executable, "-m", "retold", "-d", str(root), "build"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def page_of(root: Path, slug: str) -> str:
    return (root / "site" / slug / "index.html").read_text()


def slug_of(root: Path, article_id: int) -> str:
    with Newsroom.open(root) as room, room.db.transaction() as session:
        article = session.get(Article, article_id)
        assert article is not None
        return article.slug


def act(b: Browser, article_id: int, name: str, **fields: str) -> int:
    path = f"/desk/article/{article_id}"
    page = b.get(path).text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    token = b.csrf(path)
    data = {"csrf": token, "version": version.group(1), **fields}
    return b.post(f"{path}/{name}", data).status_code


def test_approving_publishes_the_review_with_build_alone(
    browser: Browser, desk: DeskServer
) -> None:
    browser.login()
    held = desk.ids["held"]
    assert act(browser, held, "approve") == 303
    today = datetime.now(UTC).date()
    review = f"Reviewed by an editor on {today.day} {today:%b %Y}."
    assert review in browser.get(f"/desk/article/{held}").text
    build(desk.root)
    html = page_of(desk.root, slug_of(desk.root, held))
    assert review in html
    ld = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert ld["mainEntityOfPage"]["lastReviewed"].startswith(today.isoformat())


def test_reject_needs_a_reason_and_undo_restores(browser: Browser, desk: DeskServer) -> None:
    browser.login()
    held = desk.ids["held"]
    assert act(browser, held, "reject") == 400
    assert act(browser, held, "reject", reason="Invented the mayor's bus rides.") == 303
    page = browser.get(f"/desk/article/{held}").text
    assert "status-rejected" in page and "Invented the mayor" in page
    undo = re.search(r'action="(/desk/action/\d+/undo)"', page)
    assert undo is not None
    assert (
        browser.post(undo.group(1), {"csrf": browser.csrf(f"/desk/article/{held}")}).status_code
        == 303
    )
    assert "status-held" in browser.get(f"/desk/article/{held}").text
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        done = [
            (a.user, a.action, a.undone_by is not None)
            for a in session.scalars(
                select(DeskAction).where(DeskAction.article_id == held).order_by(DeskAction.id)
            )
        ]
    assert done == [("ed", "reject", True), ("ed", "undo", False)]


def test_an_edit_is_checked_before_saving_and_saved_as_a_new_version(
    browser: Browser, desk: DeskServer
) -> None:
    browser.login()
    held = desk.ids["held"]
    path = f"/desk/article/{held}/edit"
    token = browser.csrf(path)
    false = HARBOUR_ARTICLE[0].replace("on Monday", "on Friday")
    fields = {
        "csrf": token, "version": "1", "headline": "Harbour Bridge to close",
        "standfirst": "Repairs.", "teaser": "An AI wonders about ferries.",
        "body": "\n\n".join([false, HARBOUR_ARTICLE[2]]), "reason": "tighter",
    }  # fmt: skip
    checked = browser.post(path, {**fields, "do": "check"})
    assert checked.status_code == 200 and "Checked, not saved" in checked.text
    assert "verdict-supported" in checked.text
    friday = re.escape('<p class="text">The Harbour Bridge will close for repairs on Friday')
    assert re.search(r"verdict-(unsupported|contradicted)\">" + friday, checked.text)
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        assert session.get(Article, held).current_version == 1  # type: ignore[union-attr]
    fixed = {**fields, "body": "\n\n".join([HARBOUR_ARTICLE[0], HARBOUR_ARTICLE[2]])}
    assert browser.post(path, {**fixed, "do": "save"}).status_code == 303
    history = browser.get(f"/desk/article/{held}/history?a=1&b=2").text
    assert "Removed: </span>The mayor promised free bus rides" in history
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        version = session.scalar(
            select(ArticleVersion).where(
                ArticleVersion.article_id == held, ArticleVersion.version == 2
            )
        )
        assert version is not None and version.checked
        assert all(c.verdict == "supported" for c in version.checks)
        assert "All 3 match it." in version.label


def test_an_edit_over_a_newer_pipeline_version_is_a_conflict(
    browser: Browser, desk: DeskServer
) -> None:
    browser.login()
    held = desk.ids["held"]
    path = f"/desk/article/{held}/edit"
    token = browser.csrf(path)
    # Meanwhile the pipeline rewrites the article (a new version, as the write stage does).
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        article = session.get(Article, held)
        assert article is not None
        old = session.scalar(select(ArticleVersion).where(ArticleVersion.article_id == held))
        assert old is not None
        article.current_version = 2
        session.add(ArticleVersion(
            article_id=held, version=2, headline="Rewritten by the pipeline",
            standfirst="", paragraphs=list(old.paragraphs), teaser="", sources=old.sources,
            backend="extractive"))  # fmt: skip
    body = "\n\n".join(HARBOUR_ARTICLE[:1])
    response = browser.post(path, {"csrf": token, "version": "1", "headline": "Mine",
                                   "body": body, "do": "save"})  # fmt: skip
    assert response.status_code == 409
    assert "This article changed since you opened it" in response.text
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        newest = session.scalar(
            select(ArticleVersion).where(
                ArticleVersion.article_id == held, ArticleVersion.version == 2
            )
        )
        assert newest is not None and newest.headline == "Rewritten by the pipeline"
    assert act(browser, held, "approve", version="1") in (303, 409)


def test_a_correction_reaches_the_page_the_corrections_page_and_the_feed(
    browser: Browser, desk: DeskServer
) -> None:
    browser.login()
    published = desk.ids["published"]
    note = "An earlier version said ferries every five minutes; it is every ten."
    assert act(browser, published, "correct", note=note) == 303
    build(desk.root)
    slug = slug_of(desk.root, published)
    assert note in page_of(desk.root, slug)
    assert note in (desk.root / "site" / "corrections" / "index.html").read_text()
    assert note in (desk.root / "site" / "feed.xml").read_text()
    assert act(browser, published, "unpublish", reason="legal") == 303
    build(desk.root)
    assert not (desk.root / "site" / slug / "index.html").exists()


def test_recheck_records_its_result(browser: Browser, desk: DeskServer) -> None:
    browser.login()
    held = desk.ids["held"]
    assert act(browser, held, "recheck") == 303
    assert "Checked again: 4 of 5 sentences match." in browser.get(f"/desk/article/{held}").text


def test_readers_reports_are_limited_and_shown_inert_beside_their_sentence(
    browser: Browser, desk: DeskServer
) -> None:
    slug = slug_of(desk.root, desk.ids["published"])
    hostile = '<script>alert("report")</script><img src=x onerror=alert(1)> wrong date'
    public = Browser(desk.url)
    sent = public.post("/desk/report", {"slug": slug, "sentence": "2", "message": hostile})
    assert sent.status_code == 200 and "Thank you" in sent.text
    assert public.post("/desk/report", {"slug": slug, "message": "x" * 2001}).status_code == 400
    assert public.post("/desk/report", {"slug": "no/such", "message": "hi"}).status_code == 404
    for _ in range(4):  # five reports an address may send in a window
        assert public.post("/desk/report", {"slug": slug, "message": "again"}).status_code == 200
    limited = public.post("/desk/report", {"slug": slug, "message": "once more"})
    assert limited.status_code == 429
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        assert len(list(session.scalars(select(ReaderReport)))) == 5
    browser.login()
    queue = browser.get("/desk/").text
    assert "Ferries every ten minutes" in queue  # a reported article is in the queue
    page = browser.get(f"/desk/article/{desk.ids['published']}").text
    assert "&lt;script&gt;alert(&#34;report&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    sentence_two = page.split('id="sentence-2"', 1)[1].split("</li>\n<li", 1)[0]
    assert "wrong date" in sentence_two


def test_hostile_source_text_renders_inert(browser: Browser, desk: DeskServer) -> None:
    browser.login()
    for path in ("/desk/", f"/desk/article/{desk.ids['hostile']}",
                 f"/desk/article/{desk.ids['hostile']}/edit",
                 f"/desk/article/{desk.ids['hostile']}/history"):  # fmt: skip
        html = browser.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "<b>" not in html, path
    page = browser.get(f"/desk/article/{desk.ids['hostile']}").text
    assert "&lt;script&gt;alert(&#34;src&#34;)&lt;/script&gt;" in page
    assert '<mark id="passage-' in page  # the passage is highlighted in the source text


def test_undo_restores_an_approval_and_an_edit(browser: Browser, desk: DeskServer) -> None:
    browser.login()
    held = desk.ids["held"]
    path = f"/desk/article/{held}"

    def undo_latest() -> int:
        page = browser.get(path).text
        found = re.search(r'action="(/desk/action/\d+/undo)"', page)
        assert found is not None
        return browser.post(found.group(1), {"csrf": browser.csrf(path)}).status_code

    assert act(browser, held, "approve") == 303
    assert undo_latest() == 303
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        article = session.get(Article, held)
        assert article is not None and article.status == "held" and article.reviewed_at is None
        version = session.scalar(select(ArticleVersion).where(ArticleVersion.article_id == held))
        assert version is not None and "Reviewed" not in version.label
    token = browser.csrf(f"{path}/edit")
    fields = {"csrf": token, "version": "1", "headline": "Shorter", "standfirst": "S.",
              "teaser": "T.", "body": HARBOUR_ARTICLE[0], "do": "save"}  # fmt: skip
    assert browser.post(f"{path}/edit", fields).status_code == 303
    assert undo_latest() == 303
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        article = session.get(Article, held)
        assert article is not None and article.current_version == 3  # history only grows
        versions = {v.version: v for v in article.versions}
        assert versions[3].headline == versions[1].headline
        assert versions[3].paragraphs == versions[1].paragraphs
        assert len(versions[3].checks) == len(versions[1].checks)
    # An undone action can't be undone twice.
    page = browser.get(path).text
    assert page.count(">undone<") == 2


def test_rewrite_with_the_writer_and_a_brief(browser: Browser, desk: DeskServer) -> None:
    browser.login()
    held = desk.ids["held"]
    assert act(browser, held, "rewrite") == 400  # a brief is needed
    assert act(browser, held, "rewrite", brief="lead with the ferries") == 303
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        article = session.get(Article, held)
        assert article is not None and article.current_version == 2
        version = {v.version: v for v in article.versions}[2]
        assert version.backend == "extractive" and "Rewritten by the writer" in version.note
        assert version.checked and version.checks and version.label
        done = session.scalar(select(DeskAction).where(DeskAction.action == "rewrite"))
        assert done is not None and done.reason == "lead with the ferries"
    stale = {"csrf": browser.csrf(f"/desk/article/{held}"), "version": "1", "brief": "shorter"}
    assert browser.post(f"/desk/article/{held}/rewrite", stale).status_code == 409


def test_an_unchecked_version_is_checked_before_it_can_be_approved(
    browser: Browser, desk: DeskServer
) -> None:
    held = desk.ids["held"]
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        article = session.get(Article, held)
        assert article is not None
        article.status = "draft"  # as the write stage leaves a new version
        article.versions[0].checked = False
    browser.login()
    assert act(browser, held, "approve") == 400
    assert act(browser, held, "recheck") == 303
    assert act(browser, held, "approve") == 303
    with Newsroom.open(desk.root) as room, room.db.transaction() as session:
        article = session.get(Article, held)
        assert article is not None and article.status == "published"
        assert article.versions[0].checked and "Reviewed by an editor" in article.versions[0].label
