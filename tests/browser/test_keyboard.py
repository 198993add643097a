"""Keyboard use: the Tab order starts with the skip link, the header navigation and the share
bar; the skip link moves focus to the main content; every stop shows a visible focus indicator
with enough contrast, inside the viewport."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.colours import channels, contrast
from tests.browser.conftest import PHONE
from tests.browser.newsroom import LEAD

ARTICLE = f"/{LEAD.slug}/"
NAV = ["Latest", "Topics", "Sources", "Archive", "Feed"]
SHARE = ["X", "Facebook", "WhatsApp", "LinkedIn", "Copy link"]

# Describe the focused element: its visible text, where it sits, its focus indicator (outline
# and box-shadow), the background behind that indicator, and whether it is in the viewport.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  let back = 'rgb(255, 255, 255)';
  for (let p = e.parentElement; p; p = p.parentElement) {
    const c = getComputedStyle(p).backgroundColor;
    if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') { back = c; break; }
  }
  const r = e.getBoundingClientRect();
  return {
    text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(),
    tag: e.tagName.toLowerCase(),
    region: e.closest('.skip-link') ? 'skip' : e.closest('.site-header nav') ? 'nav'
      : e.closest('.site-header') ? 'header' : e.closest('.share') ? 'share' : 'other',
    style: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' | '),
    outline: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth),
    color: s.outlineColor, shadow: s.boxShadow, back,
    inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
      && r.top < innerHeight && r.left < innerWidth,
  };
}"""
UNFOCUSED = """e => { const s = getComputedStyle(e);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' | '); }"""


def tab_through(page: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus leaves it; each stop, described."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None:
            return stops
        stop["unfocused"] = page.evaluate(
            f"() => {{ const e = document.activeElement; e.blur(); const u = ({UNFOCUSED})(e);"
            " e.focus({focusVisible: true}); return u; }"
        )
        stops.append(stop)
    raise AssertionError(f"focus never left the page after {limit} Tab presses")


def test_tab_order_starts_with_skip_link_then_nav_then_share_bar(new_page: Any) -> None:
    page, problems = new_page()
    page.goto(ARTICLE)
    stops = []
    for _ in range(1 + 1 + len(NAV) + len(SHARE)):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    assert [(s["region"], s["text"]) for s in stops] == [
        ("skip", "Skip to content"),
        ("header", "Harbour Retold"),
        *[("nav", name) for name in NAV],
        *[("share", name) for name in SHARE],
    ]
    assert problems.found == []


def test_skip_link_shows_when_focused_and_moves_focus_to_main(new_page: Any) -> None:
    page, problems = new_page()
    page.goto(ARTICLE)
    skip = page.locator(".skip-link")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is the first control of the content
    expect(page.locator(".share a").first).to_be_focused()
    assert problems.found == []


@pytest.mark.parametrize(
    ("path", "scheme", "viewport"),
    [
        (ARTICLE, "light", None),
        (ARTICLE, "dark", PHONE),
        ("/", "dark", None),
        ("/topics/transport/", "light", PHONE),
    ],
)
def test_every_focus_stop_has_a_visible_indicator(
    new_page: Any, path: str, scheme: str, viewport: dict[str, int] | None
) -> None:
    page, problems = new_page(color_scheme=scheme, **({"viewport": viewport} if viewport else {}))
    page.goto(path)
    if path == ARTICLE:  # include the Copy link field in the tour
        page.locator("details.copy").first.evaluate("d => d.open = true")
    stops = tab_through(page)
    assert len(stops) > 10
    assert focus_problems(stops) == []
    assert problems.found == []


def test_the_focus_check_catches_an_invisible_focus(new_page: Any) -> None:
    # fault injection: a stylesheet that removes the focus outline from links
    page, _ = new_page(bypass_csp=True)
    page.goto("/")
    page.add_style_tag(content="a:focus-visible { outline: none !important; }")
    stops = tab_through(page)
    found = focus_problems(stops)
    assert len(found) == 2 * len(stops)  # every stop on the index is a link
    assert all("same focused and unfocused" in p or "no outline" in p for p in found)


def focus_problems(stops: list[dict[str, Any]]) -> list[str]:
    """What is wrong with each focus stop's indicator (WCAG 2.4.7, 2.4.11, 1.4.11)."""
    bad = []
    for stop in stops:
        name = f"{stop['tag']} {stop['text']!r}"
        if not stop["inView"]:
            bad.append(f"{name}: focused but outside the viewport")
        if stop["style"] == stop["unfocused"]:
            bad.append(f"{name}: looks the same focused and unfocused ({stop['style']})")
        if stop["outline"] >= 2 and channels(stop["color"])[3] == 1:
            ratio = contrast(stop["color"], stop["back"])
            if ratio < 3:
                bad.append(f"{name}: focus outline contrast {ratio:.1f}:1 < 3:1")
        elif stop["shadow"] == "none":
            bad.append(f"{name}: no outline of 2px or more and no box-shadow ({stop['style']})")
    return bad
