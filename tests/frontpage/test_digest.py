"""`retold digest` against a real SMTP server on loopback (aiosmtpd), parsed back with `email`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from retold.daily import render
from retold.daily.compose import DigestItem
from retold.publish import build_site
from tests.conftest import free_port
from tests.frontpage.conftest import Room, retold
from tests.publish.conftest import BRIDGE, SITE
from tests.smtp import Inbox, smtp_server

DAY = "2026-11-25"


@pytest.fixture()
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server(Inbox()) as served:
        yield served


def env(port: int) -> dict[str, str]:
    return {
        "RETOLD_DIGEST_SMTP_HOST": "127.0.0.1",
        "RETOLD_DIGEST_SMTP_PORT": str(port),
        "RETOLD_DIGEST_SENDER": "Retold News <digest@news.example.org>",
        "RETOLD_DIGEST_TOP": "4",
    }


def test_the_digest_is_a_page_a_feed_entry_and_an_email(
    sample_room: Room, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    root = sample_room.root
    added = retold(root, "subscribers", "add", "ada@example.org", "Bo@Example.ORG")
    assert added.returncode == 0, added.stderr
    done = retold(root, "digest", "--day", DAY, "--json", env=env(port))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sent"] == 2 and len(report["items"]) == 4
    ranking = json.loads((sample_room.site / "ranking.json").read_text())["stories"]
    assert [i["slug"] for i in report["items"]] == [s["slug"] for s in ranking[:4]]
    assert all(1 <= len(i["summary"]) <= 2 for i in report["items"])

    assert sorted(to for tos, _ in inbox.messages for to in tos) == [
        "Bo@example.org",
        "ada@example.org",
    ]
    _, message = inbox.messages[0]
    assert message["Subject"] == "Retold News digest, 25 November 2026"
    assert message["From"] == "Retold News <digest@news.example.org>"
    unsubscribe = str(message["List-Unsubscribe"])
    assert "<mailto:digest@news.example.org?subject=unsubscribe%20" in unsubscribe
    assert "/digest/unsubscribe/?t=" in unsubscribe
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    text, markup = plain.get_content(), html.get_content()
    for item in report["items"]:
        assert item["headline"] in text and item["label"] in text and item["url"] in text
        assert f'href="{item["url"]}"' in markup
    assert "Unsubscribe" in markup

    page = sample_room.site / "digest" / DAY / "index.html"
    assert page.exists() and report["items"][0]["headline"] in page.read_text()
    assert (sample_room.site / "digest" / "index.html").exists()
    rss = ET.parse(sample_room.site / "digest" / "feed.xml").getroot()
    assert [i.findtext("title") for i in rss.iter("item")] == [
        "Retold News digest, 25 November 2026"
    ]
    feed = json.loads((sample_room.site / "digest" / "feed.json").read_text())
    assert feed["items"][0]["url"].endswith(f"/digest/{DAY}/")
    ET.parse(sample_room.site / "digest" / "atom.xml")

    # made again the same day: not mailed twice unless asked
    again = retold(root, "digest", "--day", DAY, "--json", env=env(port))
    assert json.loads(again.stdout)["sent"] == 0 and len(inbox.messages) == 2

    # the token in the unsubscribe link removes exactly that reader
    token = unsubscribe.split("?t=")[1].split(">")[0]
    assert retold(root, "subscribers", "remove", token).returncode == 0
    left = json.loads(retold(root, "subscribers", "list", "--json").stdout)
    assert len(left) == 1


def test_a_refusing_mail_server_is_one_sentence(sample_room: Room) -> None:
    root = sample_room.root
    retold(root, "subscribers", "add", "cy@example.org")
    done = retold(root, "digest", "--day", "2026-11-26", "--resend", env=env(free_port()))
    assert done.returncode != 0
    assert "refused the digest" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    bad = retold(root, "subscribers", "add", "not-an-address")
    assert bad.returncode != 0 and "is not an email address" in bad.stderr + bad.stdout


def test_the_digest_feeds_leave_the_site_feeds_plain_rss(tmp_path: Path) -> None:
    """Writing the digest's Atom must not put every later RSS feed of the process (the
    site's own, built after it by `retold digest` or `watch`) in the Atom namespace."""
    item = DigestItem("a", "A headline", "https://news.example.org/a/", "Checked", ("One.",), 1)
    files = render.feeds(SITE, [("2026-11-25", [item])], "https://news.example.org/digest/")
    atom = ET.fromstring(files["digest/atom.xml"])
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed" and len(atom.findall("{*}entry")) == 1
    assert ET.fromstring(files["digest/feed.xml"]).find("channel/item/link") is not None

    build_site(SITE, [BRIDGE], tmp_path / "site")
    rss = ET.parse(tmp_path / "site" / "feed.xml").getroot()
    assert rss.tag == "rss" and rss.find("channel/item/link") is not None
