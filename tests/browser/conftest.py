"""The built site in a real browser: Debian's Chromium driven by Playwright for Python.

Skipped when /usr/bin/chromium or the playwright package is missing; never downloads a
browser. The site is built once per session from the hand-made pages in ``newsroom.py`` and
served on 127.0.0.1. Screenshots go to test-output/browser/.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from retold.publish import build_site
from tests.browser.newsroom import PAGES, SITE

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "browser"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 740}

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's /usr/bin/chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

pytestmark = pytest.mark.slow


class _Quiet(http.server.SimpleHTTPRequestHandler):
    # As a static host serves them: Pagefind's WebAssembly must come as such to compile.
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """A built site served on 127.0.0.1, as readers' browsers get it; yields its address."""
    handler = functools.partial(_Quiet, directory=str(directory.resolve()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(SITE, PAGES, out)
    return out


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    with serve_directory(site_dir) as address:
        yield address


# Package scope, not session: Playwright's sync API runs an event loop in this thread for
# as long as it is open, and asyncio.run() in every later test would refuse to start.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core from npm (package-lock.json), installed by scripts/node-deps.sh if missing."""
    if not AXE.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is missing (apt-get install npm), so axe-core can't be installed")
        subprocess.run(["bash", str(ROOT / "scripts" / "node-deps.sh")], check=True, cwd=ROOT)
    assert AXE.exists(), f"scripts/node-deps.sh did not install {AXE}"
    return AXE


@dataclass
class Problems:
    """Everything a page did that a reader's browser would complain about."""

    origin: str
    found: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        return page

    def _failed(self, request: Any) -> None:
        # ERR_ABORTED is the browser cancelling a load itself: a test going on to the next
        # page before the last one's favicon arrived. Blocked or broken loads say otherwise.
        if request.failure != "net::ERR_ABORTED":
            self.found.append(f"failed: {request.url} {request.failure}")

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.found.append(f"console {message.type}: {message.text}")

    def _request(self, request: Any) -> None:
        # Nothing may leave the loopback server: no CDN, fonts, trackers or share widgets.
        if not request.url.startswith((self.origin + "/", "data:")):
            self.found.append(f"external request: {request.url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.found.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def new_page(browser: Any, server: str) -> Iterator[Callable[..., tuple[Any, Problems]]]:
    """Open a page in a fresh context (options as for browser.new_context), watched for problems."""
    contexts: list[Any] = []

    def make(**options: Any) -> tuple[Any, Problems]:
        context = browser.new_context(base_url=server, **options)
        contexts.append(context)
        problems = Problems(server)
        return problems.watch(context.new_page()), problems

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
