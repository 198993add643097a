"""The desk in Debian's Chromium (Playwright): the editor's whole flow, keyboard-only use,
hostile text staying inert, and axe-core on every desk page.

Skipped when /usr/bin/chromium or playwright is missing; never downloads a browser.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import AXE, CHROMIUM
from tests.browser.conftest import chromium as launch_chromium
from tests.desk.conftest import PASSWORD, DeskServer
from tests.desk.seed import HARBOUR_ARTICLE

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

if not CHROMIUM.exists():
    pytest.skip("Debian's /usr/bin/chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture()
def open_page(chromium: Any, desk: DeskServer) -> Iterator[Any]:
    """A page factory; every page fails the test on any dialog (an alert would be XSS)."""
    contexts: list[Any] = []
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def make(**options: Any) -> Any:
        context = chromium.new_context(base_url=desk.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda d: on_dialog(d))
        return page

    yield make
    for context in contexts:
        context.close()
    assert dialogs == [], f"script ran: {dialogs}"


def sign_in(page: Any, name: str = "ed") -> None:
    page.goto("/desk/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/desk/")


def build(root: Path) -> None:
    cmd = [sys.executable, "-m", "retold", "-d", str(root), "build"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_editors_flow(open_page: Any, desk: DeskServer) -> None:
    page = open_page()
    sign_in(page)
    page.get_by_role("link", name="Harbour Bridge to close").click()
    # The evidence beside the source, the passage highlighted in the extracted text.
    first = page.locator("#sentence-1")
    assert "Matches the source" in first.inner_text()
    page.locator("#sentence-1").get_by_role("link", name=re.compile("Show the passage")).click()
    mark = page.locator("mark#passage-1")
    assert mark.is_visible() and "Harbour Bridge will close" in mark.inner_text()
    assert page.locator(".source-text").first.is_visible()
    assert "Not found in the source" in page.locator("#sentence-4").inner_text()

    # Edit a sentence into a false one: flagged before anything is saved.
    page.get_by_role("link", name="Edit the text").click()
    body = page.get_by_label("Body")
    body.fill(body.input_value().replace("on Monday", "on Friday"))
    page.get_by_role("button", name="Check the sentences").click()
    flagged = page.locator(".checked li", has_text="on Friday")
    assert re.search(r"verdict-(unsupported|contradicted)", flagged.get_attribute("class") or "")
    # Fix it (and drop the invented sentence), save, approve.
    fixed = "\n\n".join([HARBOUR_ARTICLE[0], HARBOUR_ARTICLE[2]])
    page.get_by_label("Body").fill(fixed)
    page.get_by_role("button", name="Check the sentences").click()
    assert page.locator(".checked li.verdict-supported").count() == 3
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/desk/article/\d+\?done=edit"))
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(re.compile(r"\?done=approve"))
    build(desk.root)
    today = datetime.now(UTC).date()
    public = page.get_by_role("link", name="Published page").get_attribute("href") or ""
    slug = public.split("/", 3)[3]
    page.goto(f"/{slug}")
    label = page.locator(".ai-label").inner_text()
    assert f"Reviewed by an editor on {today.day} {today:%b %Y}." in label
    assert "All 3 match it." in label

    # A correction: on the article and on the corrections page.
    page.go_back()
    note = "The closure was announced on Monday, not Friday."
    page.get_by_label("Correction note (public)").fill(note)
    page.get_by_role("button", name="Publish a correction").click()
    page.wait_for_url(re.compile(r"\?done=correct"))
    build(desk.root)
    page.goto(f"/{slug}")
    assert note in page.locator("section.corrections").inner_text()
    page.get_by_role("link", name="All corrections").click()
    assert note in page.locator("main").inner_text()

    # A state change without the CSRF token is refused, with the session's cookie.
    article_path = f"/desk/article/{desk.ids['published']}"
    refused = page.context.request.post(f"{article_path}/approve", form={"version": "1"})
    assert refused.status == 403


def test_hostile_source_and_report_render_inert(open_page: Any, desk: DeskServer) -> None:
    # Without the CSP's help: escaping alone must keep the script from running.
    reader = open_page(bypass_csp=True)
    build(desk.root)
    reader.goto("/desk/login")  # any desk page; the report form is a plain POST
    slug_page = reader.context.request.post(
        "/desk/report",
        form={"slug": "2026/11/ferries", "sentence": "1",
              "message": '<script>alert("report")</script><img src=x onerror=alert(2)>'},
    )  # fmt: skip
    assert slug_page.status == 200
    page = open_page(bypass_csp=True)
    sign_in(page)
    for article_id in (desk.ids["hostile"], desk.ids["published"]):
        page.goto(f"/desk/article/{article_id}")
        page.goto(f"/desk/article/{article_id}/edit")
        page.goto(f"/desk/article/{article_id}/history")
    page.goto(f"/desk/article/{desk.ids['published']}")
    assert '<script>alert("report")</script>' in page.locator(".report-text").first.inner_text()
    page.goto("/desk/")
    assert "Library <script>" in page.get_by_role("table").inner_text()


def test_keyboard_only(open_page: Any, desk: DeskServer) -> None:
    page = open_page()
    page.goto("/desk/login")
    assert page.evaluate("document.activeElement.id") == "name"  # the form has the focus
    page.keyboard.type("ed")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    # Tab to the held article's link and open it with Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Harbour Bridge to close":
            break
    else:
        pytest.fail("the article link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/desk/article/\d+$"))
    # The approve button is reachable and works from the keyboard.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Approve and publish":
            break
    else:
        pytest.fail("Approve is not reachable with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?done=approve"))


def test_axe_finds_no_serious_violations_on_any_desk_page(open_page: Any, desk: DeskServer) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (scripts/node-deps.sh)")
    page = open_page(bypass_csp=True)  # axe is injected inline, which the CSP forbids
    held, published = desk.ids["held"], desk.ids["published"]
    pages = ["/desk/login"]
    blocking: list[str] = []

    def audit(path: str, navigate: bool = True) -> None:
        if navigate:
            page.goto(path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            TAGS,
        )
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"][:3]]
                blocking.append(f"{path}: {v['impact']} {v['id']} {v['help']} {targets}")

    audit(pages[0])
    sign_in(page, "ada")
    page.context.request.post(
        "/desk/report", form={"slug": "2026/11/ferries", "sentence": "1", "message": "Wrong."}
    )
    for path in (
        "/desk/",
        "/desk/?status=all",
        f"/desk/article/{held}",
        f"/desk/article/{published}",
        f"/desk/article/{held}/edit",
        f"/desk/article/{held}/history",
        "/desk/audit",
        "/desk/article/999999",
    ):
        audit(path)
    page.goto(f"/desk/article/{held}/edit")
    page.get_by_role("button", name="Check the sentences").click()
    page.wait_for_selector("#checked")
    audit("the checked edit form", navigate=False)
    assert not blocking, "\n".join(blocking)


def test_a_reader_reports_an_error_from_the_published_page(
    open_page: Any, desk: DeskServer
) -> None:
    toml = desk.root / "retold.toml"
    toml.write_text(
        toml.read_text().replace(
            "[site]\n", '[site]\nreport_email = "fix@example.org"\nreport_url = "/desk"\n', 1
        )
    )
    build(desk.root)
    reader = open_page()  # the site's own CSP in force: its form-action must allow the desk
    reader.goto("/2026/11/ferries/")
    mail = reader.get_by_role("link", name="Report an error by email")
    assert (mail.get_attribute("href") or "").startswith("mailto:fix@example.org?subject=")
    reader.get_by_label("Sentence number").fill("2")
    reader.get_by_label("What is wrong?").fill("<b>The ferries</b> run every twelve minutes.")
    reader.get_by_role("button", name="Send the report").click()
    assert "Thank you" in reader.locator("main").inner_text()
    editor = open_page()
    sign_in(editor)
    editor.get_by_role("link", name="Ferries every ten minutes").click()
    beside = editor.locator("#sentence-2 .report-text")
    assert beside.inner_text() == "<b>The ferries</b> run every twelve minutes."
