"""The front page of a real newsroom: ranked lead, top stories, sections, latest, audit."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
from sqlalchemy import select

from retold.newsroom import Newsroom
from retold.store.frontpage import FrontpageBuild
from tests.frontpage.conftest import Room, retold

FROST = "spring-frost"  # the wire story: Metro Wire's report and the Gazette's reprint


def front(site: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / "index.html")).getroot()


def texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in doc.xpath(xpath)]


def test_the_front_page_leads_with_the_top_ranked_story(sample_room: Room) -> None:
    doc = front(sample_room.site)
    audit = json.loads((sample_room.site / "ranking.json").read_text())
    ranked = [s["slug"] for s in audit["stories"]]
    lead = doc.xpath("//article[@class='lead-story']//h2/a/@href")
    assert lead == [f"/{ranked[0]}.html"] or lead == [f"/{ranked[0]}/"]
    tops = doc.xpath("//section[@class='top-stories']//h3/a/@href")
    assert len(tops) == 6
    assert [h.strip("/").removesuffix(".html") for h in tops] == ranked[1:7]
    sections = texts(doc, "//section[@class='topic-section']/h2")
    assert len(sections) >= 3 and all(s[:1].isupper() for s in sections)
    shown = doc.xpath("//article[@class='lead-story']//h2/a/@href | //section//h3/a/@href")
    assert len(shown) == len(set(shown))  # above the latest, each story appears once
    assert texts(doc, "//section[@class='latest']/h2") == ["Latest articles"]
    about = texts(doc, "//aside[@class='about-page']")[0]
    assert "independent outlets" in about and "counts once" in about
    assert doc.xpath("//aside[@class='about-page']//a/@href") == ["/ranking.json"]
    assert len((sample_room.site / "index.html").read_bytes()) <= 50_000


def test_a_wire_copy_counts_once_and_every_build_is_stored(sample_room: Room) -> None:
    audit = json.loads((sample_room.site / "ranking.json").read_text())
    frost = [s for s in audit["stories"] if FROST in s["slug"]]
    assert len(frost) == 1 and frost[0]["outlets"] == 1
    bridge = [s for s in audit["stories"] if "harbour-bridge" in s["slug"]]
    assert bridge and bridge[0]["outlets"] == 2  # the Gazette and the Courier, each its own
    assert audit["weights"]["half_life_hours"] == 24
    with Newsroom.open(sample_room.root) as room, room.db.transaction() as session:
        rows = list(session.scalars(select(FrontpageBuild).order_by(FrontpageBuild.id)))
        assert rows and rows[-1].ranking == audit["stories"]
        assert rows[-1].stories == len(audit["stories"])


def test_an_editor_pins_and_demotes_from_the_command_line(sample_room: Room) -> None:
    audit = json.loads((sample_room.site / "ranking.json").read_text())
    last = audit["stories"][-1]["slug"]
    first = audit["stories"][0]["slug"]
    assert retold(sample_room.root, "frontpage", "pin", last).returncode == 0
    assert retold(sample_room.root, "frontpage", "demote", first).returncode == 0
    assert retold(sample_room.root, "build").returncode == 0
    try:
        again = json.loads((sample_room.site / "ranking.json").read_text())
        assert again["stories"][0]["slug"] == last
        assert again["stories"][0]["placement"] == "pin"
        demoted = [s for s in again["stories"] if s["slug"] == first][0]
        assert demoted["placement"] == "demote" and demoted["rank"] > 1
        doc = front(sample_room.site)
        assert last in doc.xpath("//article[@class='lead-story']//h2/a/@href")[0]
        above = doc.xpath("//section[@class='top-stories']//h3/a/@href")
        assert not [h for h in above if first in h]  # a demoted story leaves the top stories
        shown = retold(sample_room.root, "frontpage", "ranking", "--json")
        assert json.loads(shown.stdout)["stories"][0]["slug"] == last
    finally:
        retold(sample_room.root, "frontpage", "clear", last)
        retold(sample_room.root, "frontpage", "clear", first)
        retold(sample_room.root, "build")
    missing = retold(sample_room.root, "frontpage", "pin", "2026/11/no-such-story")
    assert missing.returncode != 0 and "No article with slug" in missing.stderr + missing.stdout
    assert "Traceback" not in missing.stderr
