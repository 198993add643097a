"""The front page, a multi-source article and search in Debian's Chromium (Playwright).

The site is the samples newsroom's, served on 127.0.0.1; nothing may be requested from
anywhere else. Screenshots go to test-output/frontpage/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import AXE, CHROMIUM, PHONE, Problems, chromium, serve_directory
from tests.frontpage.conftest import Room

if not CHROMIUM.exists():
    pytest.skip("Debian's /usr/bin/chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
expect = sync_api.expect

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "frontpage"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def server(sample_room: Room) -> Iterator[str]:
    with serve_directory(sample_room.site) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def open_page(browser: Any, server: str, path: str, **options: Any) -> tuple[Any, Problems]:
    context = browser.new_context(base_url=server, **options)
    problems = Problems(server)
    page = problems.watch(context.new_page())
    page.goto(path)
    return page, problems


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def search(page: Any, query: str) -> list[str]:
    page.wait_for_selector("#search-form[data-ready='true']")
    page.fill("#search-q", query)
    page.click("button[type=submit]")
    if query:  # the list says which search it shows: wait for this one's
        done = page.locator(f'#search-results[data-searched*=\'"q":"{query}"\']')
        expect(done).to_have_count(1)
    return [t.strip() for t in page.locator("#search-results h2 a").all_text_contents()]


def test_search_finds_articles_and_shows_their_labels(browser: Any, server: str) -> None:
    page, problems = open_page(browser, server, "/search/")
    titles = search(page, "bridge hangers")
    assert any("Old Harbour Bridge" in t for t in titles), titles
    labels = page.locator("#search-results .entry-label").all_text_contents()
    assert len(labels) == len(titles) and all(label.startswith("I ") for label in labels)
    href = page.locator("#search-results h2 a").first.get_attribute("href")
    assert href and href.startswith("/2026/")
    shot(page, "search-results")
    assert problems.found == []  # no CSP violation, no external request, no error


def test_search_filters_by_topic_source_and_month(browser: Any, server: str) -> None:
    page, problems = open_page(browser, server, "/search/")
    search(page, "")  # nothing asked: nothing listed
    topics = page.locator("#search-topic option").all_text_contents()
    assert len(topics) > 3 and topics[0] == "Any topic"
    sources = page.locator("#search-source option").all_text_contents()
    assert any("Metro Wire" in s for s in sources)
    assert any("2026" in m for m in page.locator("#search-month option").all_text_contents())
    weather = next(t for t in topics if t.startswith("weather"))
    expected = int(weather.rsplit("(", 1)[1].rstrip(")"))
    page.select_option("#search-topic", label=weather)
    expect(page.locator("#search-results li")).to_have_count(expected)
    page.select_option("#search-source", label=next(s for s in sources if "Metro Wire" in s))
    searched = page.locator('#search-results[data-searched*="Metro Wire"]')
    expect(searched).to_have_count(1)
    assert page.locator("#search-results li").count() <= expected
    assert problems.found == []


@pytest.mark.parametrize(
    ("name", "path"),
    [("front", "/"), ("multi-source", "bridge"), ("search", "/search/"), ("about", "/about/")],
)
def test_pages_pass_axe_and_are_screenshotted(
    browser: Any, server: str, sample_room: Room, name: str, path: str
) -> None:
    if path == "bridge":
        found = next(sample_room.site.glob("2026/*/old-harbour-bridge*/index.html"))
        path = "/" + found.parent.relative_to(sample_room.site).as_posix() + "/"
    # The site's CSP forbids inline scripts, axe's included: bypassed for axe only.
    page, problems = open_page(browser, server, path, bypass_csp=True)
    shot(page, name)
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    assert axe_blocking(page) == []
    assert [p for p in problems.found if "external request" in p] == []


def axe_blocking(page: Any) -> list[str]:
    """axe-core's serious and critical violations, in the light and the dark scheme."""
    page.add_script_tag(path=str(AXE))
    blocking = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            TAGS,
        )
        blocking += [
            f"{scheme}: {v['id']} {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    return blocking


@pytest.fixture(scope="module")
def seeded_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An updated, edited and corrected article, and a topic page with a ranked head:
    the newsrooms of the tests that check their content, published."""
    from retold.newsroom import Newsroom
    from retold.stages.publish import publish
    from retold.stages.report import RunReport
    from tests.frontpage import test_listing_ranking, test_timeline

    base = tmp_path_factory.mktemp("seeded-axe")
    sites = {}
    for name, seed in (("timeline", test_timeline._seed), ("ranked", test_listing_ranking._seed)):
        seed(base / name)
        with Newsroom.open(base / name) as room:
            publish(room, RunReport())
        sites[name] = base / name / "site"
    return sites


@pytest.mark.parametrize(
    ("site", "path", "heading"),
    [
        ("timeline", "/2026/11/bridge-closes/", "Timeline"),
        ("ranked", "/topics/transport/", "Top stories in"),
    ],
)
def test_timeline_and_ranked_listing_pass_axe(
    browser: Any, seeded_sites: dict[str, Path], site: str, path: str, heading: str
) -> None:
    with serve_directory(seeded_sites[site]) as address:
        page, problems = open_page(browser, address, path, bypass_csp=True)
        expect(page.locator("h2", has_text=heading)).to_have_count(1)
        shot(page, f"{site}-page")
        assert axe_blocking(page) == []
    assert [p for p in problems.found if "external request" in p] == []


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built twice: the main search bundle and a recent one, merged in the browser."""
    from retold.publish import build_site
    from retold.publish.ranking import FrontOptions
    from tests.publish.conftest import BRIDGE, BUDGET, FERRY, SITE

    out = tmp_path_factory.mktemp("months") / "site"
    build_site(SITE, [BRIDGE, BUDGET], out, front=FrontOptions(search=True))
    # the ferry story comes later: it is indexed alone, in the recent bundle
    build_site(SITE, [BRIDGE, FERRY, BUDGET], out, front=FrontOptions(search=True))
    with serve_directory(out) as address:
        yield address


def test_search_spans_every_month(browser: Any, two_months: str) -> None:
    page, problems = open_page(browser, two_months, "/search/")
    assert search(page, "budget") == ["Council agrees budget"]  # the main bundle
    assert "Ferry timetable changes" in search(page, "timetable")  # the recent one
    months = page.locator("#search-month option").all_text_contents()
    assert any("October 2026" in m for m in months) and any("November 2026" in m for m in months)
    assert problems.found == []
