"""Who covered a story, which sentences rest on whom, and facts only one outlet reports."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html

from retold.publish.coverage import Report, coverage, coverage_html, words_of
from tests.frontpage.conftest import Room

WHEN = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
GAZETTE = Report(
    "The Harbour Gazette",
    "http://127.0.0.1/gazette/bridge",
    "Bridge to close",
    WHEN,
    words_of("The bridge will close for six weeks. Engineers found 40 corroded hangers."),
)
COURIER = Report(
    "Northfield Courier",
    "http://127.0.0.1/courier/bridge",
    "Commuters face six weeks without the bridge",
    None,
    words_of("Commuters learned the bridge will close for six weeks from Monday."),
)


def test_sentences_rest_on_the_outlets_that_hold_them() -> None:
    sentences = [
        ("The bridge will close for six weeks.", GAZETTE.url),
        ("Engineers found 40 corroded hangers.", GAZETTE.url),
        ("Ferries will run every hour.", ""),
    ]
    found = coverage(sentences, [GAZETTE, COURIER])
    assert found is not None
    assert [(r.outlet, r.sentences) for r in found.outlets] == [
        ("The Harbour Gazette", (1, 2)),
        ("Northfield Courier", (1,)),
    ]
    assert found.single == ((2, "The Harbour Gazette"),)
    assert found.unplaced == (3,)
    assert coverage(sentences, [GAZETTE]) is None  # one outlet: no box


def test_the_box_escapes_and_links_only_http() -> None:
    evil = Report("<b>X</b>", "javascript:alert(1)", "<i>t</i>", WHEN, frozenset())
    found = coverage([("A sentence with words.", "")], [GAZETTE, evil])
    assert found is not None
    html = coverage_html(found)
    doc = lxml.html.fromstring(html)
    assert "javascript:" not in html and "<b>" not in html
    assert doc.xpath("//a/@href")[0] == GAZETTE.url


def _box(room: Room, slug_part: str) -> lxml.html.HtmlElement:
    pages = [p for p in room.site.glob("2026/*/*/index.html") if slug_part in str(p)]
    assert len(pages) == 1, slug_part
    boxes = lxml.html.parse(str(pages[0])).getroot().xpath("//section[@class='coverage']")
    assert len(boxes) == 1
    return boxes[0]


def test_a_multi_source_article_shows_its_coverage(sample_room: Room) -> None:
    box = _box(sample_room, "old-harbour-bridge")
    text = " ".join(box.text_content().split())
    assert text.startswith("Covered by 2 outlets")
    outlets = [" ".join(x.text_content().split()) for x in box.xpath(".//strong[@class='outlet']")]
    assert outlets == ["The Harbour Gazette", "Northfield Courier"]
    links = box.xpath(".//ul[@class='coverage-list']/li/a/@href")
    assert len(links) == 2 and all(h.startswith(sample_room.server.base_url) for h in links)
    assert len(box.xpath(".//time")) == 2
    # each sentence number links to its evidence note on the same page
    notes = box.xpath(".//a[starts-with(@href, '#note-')]/@href")
    assert notes and "Reported by one outlet only" in text


def test_a_wire_copy_is_named_as_such(sample_room: Room) -> None:
    text = " ".join(_box(sample_room, "spring-frost").text_content().split())
    assert "(1 independent report)" in text
    assert "the same report as Metro Wire" in text


def test_a_single_source_article_has_no_box(sample_room: Room) -> None:
    pages = [p for p in sample_room.site.glob("2026/*/*/index.html") if "otters" in str(p)]
    doc = lxml.html.parse(str(pages[0])).getroot()
    assert not doc.xpath("//section[@class='coverage']")
