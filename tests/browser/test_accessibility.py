"""axe-core (from npm) finds no serious or critical WCAG 2.2 A/AA violation on any kind of page,
in light and dark colour schemes and at phone width."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PHONE
from tests.browser.newsroom import LEAD

PAGES = {
    "article": f"/{LEAD.slug}/",
    "index": "/",
    "topic": "/topics/transport/",
    "topics": "/topics/",
    "source": "/sources/gazette-example/",
    "archive": "/archive/2026/11/",
    "not-found": "/404.html",
}
# colour scheme and viewport width; switched on the loaded page, so axe is injected only once
MODES = {
    "light": ("light", None),
    "dark": ("dark", None),
    "phone-light": ("light", PHONE),
    "phone-dark": ("dark", PHONE),
}
DESKTOP = {"width": 1280, "height": 800}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def context(browser: Any, server: str) -> Iterator[Any]:
    # The site's Content-Security-Policy forbids inline scripts, axe's included.
    opened = browser.new_context(base_url=server, bypass_csp=True, viewport=DESKTOP)
    yield opened
    opened.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    return list(result["violations"])


def describe(violation: dict[str, Any]) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
    summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
    return (
        f"{violation['impact']}: {violation['id']} ({violation['help']}) "
        f"on {len(violation['nodes'])} element(s) {targets}: {summary}"
    )


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(context: Any, axe_path: Path, name: str) -> None:
    page = context.new_page()
    blocking: list[str] = []
    try:
        page.goto(PAGES[name])
        if name == "article":
            # the open Copy link field is part of the page too
            page.locator("details.copy").first.evaluate("d => d.open = true")
        page.add_script_tag(path=str(axe_path))
        for mode, (scheme, viewport) in MODES.items():
            page.emulate_media(color_scheme=scheme)
            page.set_viewport_size(viewport or DESKTOP)
            for violation in run_axe(page):
                print(f"[{name} {mode}] {describe(violation)}")
                if violation["impact"] in BLOCKING:
                    blocking.append(f"{mode}: {describe(violation)}")
    finally:
        page.close()
    assert blocking == []
