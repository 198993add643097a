"""Building from a page source, input digests, escaping, and clean-up of old builds."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retold.publish import PublishError, build_site, build_site_from
from retold.publish.digest import page_digest
from retold.publish.markup import esc
from retold.publish.urls import quote_all
from retold.records import ArticlePage, RelatedLink, SentenceCheck, SiteInfo, SourceLink
from tests.publish.conftest import BRIDGE, BUDGET, FERRY, HELD
from tests.publish.htmlcheck import page, text_of


def _manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / ".retold-manifest.json").read_text())


def _wait_for_clean_up() -> None:
    for thread in threading.enumerate():
        if thread.name == "retold-publish-cleanup":
            thread.join()


def test_build_from_a_page_source_matches_build_site(site: SiteInfo, tmp_path: Path) -> None:
    pages = [BRIDGE, FERRY, BUDGET, HELD]
    calls = 0

    def source() -> Iterator[ArticlePage]:
        nonlocal calls
        calls += 1
        yield from pages  # a generator: each call streams the pages afresh

    streamed = build_site_from(site, source, tmp_path / "streamed")
    listed = build_site(site, pages, tmp_path / "listed")
    assert calls == 2  # once to index the site, once to render it
    assert streamed.written == listed.written
    assert _manifest(tmp_path / "streamed") == _manifest(tmp_path / "listed")
    again = build_site_from(site, source, tmp_path / "streamed")
    assert again.written == ()


def test_a_source_that_changes_mid_build_is_refused(site: SiteInfo, tmp_path: Path) -> None:
    rounds = iter([[BRIDGE, BUDGET], [BRIDGE, FERRY, BUDGET]])
    with pytest.raises(PublishError, match="while the site was being built"):
        build_site_from(site, lambda: next(rounds), tmp_path / "site")
    assert not (tmp_path / "site").exists()


def _different(value: Any) -> Any:
    """Some other value of the same type, for every kind of field an ArticlePage has."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + " changed"
    if value is None:
        return BRIDGE.published
    if hasattr(value, "tzinfo"):
        return value + timedelta(seconds=1)
    if isinstance(value, list):
        return [*value, value[0]] if value else ["x"]
    raise AssertionError(f"no way to change {value!r}")


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(ArticlePage)])
def test_every_field_of_a_page_changes_its_digest(field: str) -> None:
    # A field added to ArticlePage later fails here until digest.py includes it.
    changed = replace(BRIDGE, **{field: _different(getattr(BRIDGE, field))})
    assert page_digest(changed) != page_digest(BRIDGE)


@pytest.mark.parametrize(
    "field",
    [f.name for f in dataclasses.fields(SentenceCheck)],
)
def test_every_field_of_a_check_changes_the_digest(field: str) -> None:
    text, check = BRIDGE.paragraphs[0][0]
    assert check is not None
    value = getattr(check, field)
    other = value + 0.5 if isinstance(value, float) else _different(value)
    changed_check = replace(check, **{field: other})  # type: ignore[arg-type]
    paragraphs = [[(text, changed_check), *BRIDGE.paragraphs[0][1:]], *BRIDGE.paragraphs[1:]]
    assert page_digest(replace(BRIDGE, paragraphs=paragraphs)) != page_digest(BRIDGE)


def test_digest_ignores_object_identity_and_string_subclasses() -> None:
    copy = replace(BRIDGE, headline="".join(list(BRIDGE.headline)))
    assert page_digest(copy) == page_digest(BRIDGE)

    class Text(str):
        pass

    assert page_digest(replace(BRIDGE, headline=Text(BRIDGE.headline))) == page_digest(BRIDGE)


def test_listings_and_feeds_carry_input_keys(
    site: SiteInfo, pages: list[ArticlePage], out: Path
) -> None:
    build_site(site, pages, out)
    files = _manifest(out)["files"]
    for rel in ("index.html", "page/2/index.html", "topics/transport/index.html", "feed.xml"):
        assert files[rel][1], rel  # skipped unrendered next time when the key matches
    # a change to what a listing shows re-renders it; one to the body alone does not change it
    body_only = replace(BUDGET, paragraphs=[[("The council agreed its budget on Tuesday.", None)]])
    report = build_site(site, [BRIDGE, FERRY, body_only], out)
    assert f"{BUDGET.slug}/index.html" in report.written
    assert "page/2/index.html" not in report.written
    assert "feed.xml" in report.written  # the feed carries the body


HOSTILE = "<script>alert(\"x\")</script> & 'quotes'"


def test_hostile_text_is_escaped_everywhere(site: SiteInfo, out: Path) -> None:
    check = SentenceCheck(0, "", "contradicted", 0.1, reason=HOSTILE, evidence=HOSTILE,
                          source_url="https://gazette.example/a?x=1&y=<2>")  # fmt: skip
    hostile = ArticlePage(
        slug="2026/11/hostile",
        headline=HOSTILE,
        standfirst=HOSTILE,
        teaser=HOSTILE,
        label=HOSTILE,
        paragraphs=[[(HOSTILE, check), (HOSTILE, None)]],
        sources=[SourceLink("https://gazette.example/a?x=1&y=<2>", HOSTILE, HOSTILE)],
        topics=[HOSTILE],
        published=BRIDGE.published,
        updated=BRIDGE.updated,
        related=[RelatedLink(BUDGET.slug, HOSTILE, HOSTILE)],
    )
    build_site(site, [hostile, BUDGET], out)
    for rel in (hostile.slug, "", "topics"):
        doc = page(out, rel)  # also checks every element is closed: nothing was injected
        assert not doc.xpath("//script[not(@src) and not(@type='application/ld+json')]")
        for data in doc.xpath("//script[@type='application/ld+json']/text()"):
            assert "<" not in data and json.loads(data)["headline"] == HOSTILE
    doc = page(out, hostile.slug)
    assert text_of(doc.xpath("//h1")[0]) == " ".join(HOSTILE.split())
    assert text_of(doc.xpath("//blockquote")[0]) == " ".join(HOSTILE.split())
    assert text_of(doc.xpath("//p[@class='reason']")[0]) == " ".join(HOSTILE.split())
    assert text_of(doc.xpath("//section[@class='related']//p")[0]) == " ".join(HOSTILE.split())
    assert doc.xpath("//blockquote/@cite") == ["https://gazette.example/a?x=1&y=<2>"]


@given(st.text())
def test_quote_all_is_quote_with_nothing_safe(text: str) -> None:
    assert quote_all(text) == quote(text, safe="")


@given(st.text())
def test_esc_matches_markupsafe(text: str) -> None:
    from markupsafe import escape

    assert esc(text) == str(escape(text))


def test_old_builds_are_removed_in_the_background(
    site: SiteInfo, pages: list[ArticlePage], out: Path
) -> None:
    first = build_site(site, pages, out).build_dir
    build_site(site, pages, out)
    build_site(site, pages, out)
    assert not first.exists()  # moved out of the way before the build returned
    _wait_for_clean_up()
    assert not list(out.parent.glob(".site.trash-*"))
    # trash left by a process that exited mid-clean-up goes with the next build
    stale = out.parent / ".site.trash-deadbeef"
    (stale / "a/b").mkdir(parents=True)
    (stale / "a/b/index.html").write_text("old")
    build_site(site, pages, out)
    _wait_for_clean_up()
    assert not stale.exists()
