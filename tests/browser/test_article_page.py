"""Every part of the article anatomy shows, in order, in light, dark and phone layouts; every
page of the site loads without console errors, failed or external requests, or broken links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.colours import luminance
from tests.browser.conftest import PHONE, screenshot
from tests.browser.newsroom import LEAD, PAGES, SITE

ARTICLE = f"/{LEAD.slug}/"
SHARE_NAMES = ["X", "Facebook", "WhatsApp", "LinkedIn", "Copy link"]
LAYOUTS: dict[str, dict[str, Any]] = {
    "light": {"color_scheme": "light"},
    "dark": {"color_scheme": "dark"},
    "phone": {"color_scheme": "light", "viewport": PHONE, "is_mobile": True, "has_touch": True},
}
ANATOMY = [  # (what, selector), top to bottom
    ("label banner", ".ai-label"),
    ("share bar", ".share >> nth=0"),
    ("headline", "h1"),
    ("standfirst", ".article-head .standfirst"),
    ("body", ".body"),
    ("original sources", ".sources"),
    ("share bar again", ".share >> nth=1"),
    ("related articles", ".related"),
]


def in_view(page: Any, locator: Any, what: str) -> None:
    """Scrolled to, it is visible and inside the viewport, as a reader would see it."""
    locator.scroll_into_view_if_needed()
    expect(locator, what).to_be_visible()
    expect(locator, what).to_be_in_viewport()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_article_anatomy_is_visible_in_order(new_page: Any, layout: str) -> None:
    page, problems = new_page(**LAYOUTS[layout])
    page.goto(ARTICLE)

    label = page.locator(".ai-label")
    in_view(page, label, "label banner")
    expect(label).to_contain_text(LEAD.label)
    expect(label.locator(".ai-badge")).to_have_text("AI")

    bars = page.locator(".share")
    expect(bars).to_have_count(2)
    for n in range(2):
        bar = bars.nth(n)
        in_view(page, bar, f"share bar {n + 1}")
        items = bar.locator("li > a, li > details > summary")
        expect(items).to_have_text(SHARE_NAMES, use_inner_text=True)
        for i in range(items.count()):
            in_view(page, items.nth(i), f"share bar {n + 1}: {SHARE_NAMES[i]}")

    in_view(page, page.locator("h1"), "headline")
    expect(page.locator("h1")).to_have_text(LEAD.headline)
    in_view(page, page.locator(".article-head .standfirst"), "standfirst")
    expect(page.locator(".article-head .standfirst")).to_have_text(LEAD.standfirst)

    paragraphs = page.locator(".body > p")
    expect(paragraphs).to_have_count(len(LEAD.paragraphs))
    for i in range(paragraphs.count()):
        in_view(page, paragraphs.nth(i), f"body paragraph {i + 1}")
    flags = page.locator(".body .unmatched .flag")
    expect(flags).to_have_text(["not in source", "contradicts source"])
    for i in range(flags.count()):
        in_view(page, flags.nth(i), f"marker on unmatched sentence {i + 1}")
    expect(page.locator(".body .unmatched").first).to_contain_text("Ferries will be free")

    sources = page.locator(".sources")
    in_view(page, sources, "original sources")
    expect(sources).to_contain_text("Original sources:")
    links = sources.locator("a")
    expect(links).to_have_text([s.title for s in LEAD.sources])
    for i, source in enumerate(LEAD.sources):
        expect(links.nth(i)).to_have_attribute("href", source.url)
        in_view(page, links.nth(i), f"source link {i + 1}")

    related = page.locator(".related")
    in_view(page, related.locator("h2"), "RELATED ARTICLES heading")
    expect(related.locator("h2")).to_have_text("RELATED ARTICLES")
    entries = related.locator("li")
    expect(entries).to_have_count(len(LEAD.related))
    for i, link in enumerate(LEAD.related):
        entry = entries.nth(i)
        expect(entry.locator("h3")).to_have_text(link.headline)
        expect(entry.locator("p")).to_have_text(link.teaser)
        read = entry.locator("a.read")
        expect(read).to_have_text("Read Article")
        expect(read).to_have_attribute("href", f"/{link.slug}/")
        in_view(page, read, f"Read Article {i + 1}")

    tops = [page.locator(selector).first.bounding_box()["y"] for _, selector in ANATOMY]
    assert tops == sorted(tops), list(zip([w for w, _ in ANATOMY], tops, strict=True))
    # nothing overflows sideways, so no part of the page hides off-screen on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"article-{layout}")
    assert problems.found == []


def test_dark_scheme_really_is_dark(new_page: Any) -> None:
    backgrounds = {}
    for scheme in ("light", "dark"):
        page, _ = new_page(color_scheme=scheme)
        page.goto(ARTICLE)
        backgrounds[scheme] = page.evaluate(
            "() => [document.body, document.querySelector('.ai-label')].map("
            "e => getComputedStyle(e).backgroundColor)"
        )
    assert backgrounds["light"] != backgrounds["dark"]
    assert luminance(backgrounds["dark"][0]) < 0.05 < 0.8 < luminance(backgrounds["light"][0])


@pytest.mark.parametrize("layout", ["light", "phone"])
def test_index_lists_the_latest_articles(new_page: Any, layout: str) -> None:
    page, problems = new_page(**LAYOUTS[layout])
    page.goto("/")
    latest = sorted(PAGES, key=lambda p: p.published, reverse=True)[: SITE.per_page]
    headlines = page.locator(".entries h2 a")
    expect(headlines).to_have_text([p.headline for p in latest])
    for i in range(headlines.count()):
        in_view(page, headlines.nth(i), f"index entry {i + 1}")
    in_view(page, page.locator(".pagination a[rel=next]"), "link to older articles")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"index-{layout}")
    assert problems.found == []


def test_every_page_loads_cleanly_and_reflows_at_320_px(
    new_page: Any, site_dir: Path, server: str
) -> None:
    # WCAG 1.4.10: usable at 320 CSS px without scrolling sideways
    page, problems = new_page(viewport={"width": 320, "height": 640})
    files = site_dir.rglob("*.html")
    paths = sorted("/" + str(f.relative_to(site_dir)).removesuffix("index.html") for f in files)
    assert len(paths) > 20
    internal: set[str] = set()
    too_wide = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, path
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        if not page.evaluate("document.documentElement.scrollWidth <= innerWidth"):
            too_wide.append(path)
        hrefs = page.evaluate("[...document.querySelectorAll('[href]')].map(e => e.href)")
        internal.update(h.split("#")[0] for h in hrefs if h.startswith(server + "/"))
    assert problems.found == []
    assert too_wide == []
    broken = [h for h in sorted(internal) if not page.request.get(h).ok]
    assert broken == []
