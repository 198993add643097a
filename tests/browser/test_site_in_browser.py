"""The built site in a real browser (Debian's Chromium driven by Playwright).

Skipped when /usr/bin/chromium or the playwright package is missing; never downloads a browser.
Screenshots go to test-output/browser/.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from retold.publish import article_url, build_site
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, HELD, SITE

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's /usr/bin/chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

pytestmark = pytest.mark.slow


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(SITE, [BRIDGE, FERRY, BUDGET, HELD], out)
    handler = functools.partial(_Quiet, directory=str(out.resolve()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.errors = []  # console errors, page errors and requests to other hosts
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            r.url.startswith((server, "data:")) or page.errors.append(f"external request {r.url}")
        ),
    )
    yield page
    context.close()


ARTICLE = f"/{BRIDGE.slug}/"


def test_article_anatomy_is_visible_without_errors(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(ARTICLE)
    for selector in (
        ".ai-label",
        ".share >> nth=0",
        "h1",
        ".standfirst",
        ".body",
        ".evidence",
        ".sources",
        ".share >> nth=1",
        ".related",
    ):
        assert page.locator(selector).first.is_visible(), selector
    assert BRIDGE.label in page.locator(".ai-label").inner_text()
    assert page.locator(".related h2").inner_text() == "RELATED ARTICLES"
    flag = page.locator(".unmatched .flag")
    assert flag.is_visible() and flag.inner_text() == "not in source"
    boxes = [
        page.locator(s).first.bounding_box()["y"]
        for s in (".ai-label", ".share", "h1", ".standfirst", ".body", ".sources", ".related")
    ]
    assert boxes == sorted(boxes)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)
    page.goto("/")
    page.screenshot(path=str(SHOTS / "index.png"), full_page=True)
    assert page.errors == []


def test_copy_link_writes_the_url_to_the_clipboard(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(ARTICLE)
    summary = page.locator("details.copy summary").first
    summary.click()
    assert page.evaluate("navigator.clipboard.readText()") == article_url(SITE, BRIDGE.slug)
    assert summary.inner_text() == "Link copied"
    assert page.locator("[role=status]").inner_text() == "Link copied"
    assert page.locator("details.copy").first.get_attribute("open") is None
    context.close()


def test_copy_link_fallback_without_javascript(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto(ARTICLE)
    page.locator("details.copy summary").first.click()
    field = page.locator("details.copy input").first
    assert field.is_visible()
    assert field.input_value() == article_url(SITE, BRIDGE.slug)
    context.close()


def test_keyboard_reaches_skip_link_first(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(ARTICLE)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # it is shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.errors == []


def test_evidence_note_is_reachable_without_javascript(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto(ARTICLE)
    page.locator(".ref a").first.click()
    assert page.evaluate("location.hash") == "#note-1"
    note = page.locator("#note-1 blockquote")
    assert note.is_visible() and "close to all traffic" in note.inner_text()
    context.close()


def test_dark_mode_and_small_screen(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=server, color_scheme="dark", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.goto(ARTICLE)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 20, 23)"
    # nothing overflows sideways on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "article-dark-mobile.png"), full_page=True)
    context.close()
