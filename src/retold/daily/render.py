"""A digest as a web page, feed items (RSS, Atom, JSON Feed) and an email (plain and HTML).

Pure: every function takes the digest's items and returns text or bytes.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from retold.daily.compose import DigestItem
from retold.publish.feeds import ATOM
from retold.publish.markup import esc
from retold.publish.xmltext import clean
from retold.records import SiteInfo

DIGEST_DIR = "digest/"


def day_title(site: SiteInfo, day: str) -> str:
    when = datetime.strptime(day, "%Y-%m-%d")
    return f"{site.title} digest, {when.day} {when.strftime('%B')} {when.year}"


def items_html(items: Sequence[DigestItem], *, heading: str = "h2") -> str:
    """The digest's stories as HTML (escaped parts only): for the page, feeds and email."""
    out = []
    for item in items:
        out.append(
            f'<li><{heading}><a href="{esc(item.url)}">{esc(item.headline)}</a></{heading}>\n'
            f"<p>{esc(' '.join(item.summary))}</p>\n"
            f'<p class="meta"><span class="entry-label">{esc(item.label)}</span>'
            + (f" · Covered by {item.outlets} outlets" if item.outlets > 1 else "")
            + "</p></li>\n"
        )
    return "".join(out)


def items_text(items: Sequence[DigestItem]) -> str:
    parts = []
    for n, item in enumerate(items, start=1):
        parts.append(
            f"{n}. {item.headline}\n{' '.join(item.summary)}\n{item.label}\nRead it: {item.url}\n"
        )
    return "\n".join(parts)


def _rfc822(day: str) -> str:
    return format_datetime(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC))


def feeds(
    site: SiteInfo, digests: Sequence[tuple[str, Sequence[DigestItem]]], page_url: str
) -> dict[str, bytes]:
    """digest/feed.xml, atom.xml and feed.json: one entry per day, newest first."""
    home = site.base_url + "/"
    title = f"{site.title}: daily digest"
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    for tag, text in (("title", title), ("link", page_url), ("description", title)):
        ET.SubElement(channel, tag).text = clean(text)
    # Plain tags under a declared default namespace, as the site's Atom feed is written:
    # registering Atom as the default namespace globally put every later RSS feed of the
    # process (the site's own, built after the digest) in the Atom namespace.
    atom = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(atom, "title").text = clean(title)
    ET.SubElement(atom, "id").text = page_url
    ET.SubElement(atom, "link", href=page_url)
    ET.SubElement(atom, "updated").text = (
        f"{digests[0][0]}T00:00:00+00:00" if digests else "1970-01-01T00:00:00+00:00"
    )
    json_items = []
    for day, items in digests:
        url = f"{page_url}{day}/"
        name = day_title(site, day)
        html = f"<ol>\n{items_html(items)}</ol>"
        item = ET.SubElement(channel, "item")
        for tag, text in (("title", name), ("link", url), ("guid", url)):
            ET.SubElement(item, tag).text = clean(text)
        ET.SubElement(item, "pubDate").text = _rfc822(day)
        ET.SubElement(item, "description").text = clean(html)
        entry = ET.SubElement(atom, "entry")
        ET.SubElement(entry, "title").text = clean(name)
        ET.SubElement(entry, "id").text = url
        ET.SubElement(entry, "link", href=url)
        ET.SubElement(entry, "updated").text = f"{day}T00:00:00+00:00"
        ET.SubElement(entry, "content", type="html").text = clean(html)
        json_items.append(
            {
                "id": url,
                "url": url,
                "title": name,
                "content_html": html,
                "date_published": f"{day}T00:00:00+00:00",
            }
        )
    feed_json = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": home,
        "feed_url": f"{page_url}feed.json",
        "items": json_items,
    }
    return {
        DIGEST_DIR + "feed.xml": ET.tostring(rss, encoding="utf-8", xml_declaration=True),
        DIGEST_DIR + "atom.xml": ET.tostring(atom, encoding="utf-8", xml_declaration=True),
        DIGEST_DIR + "feed.json": json.dumps(feed_json, ensure_ascii=False, indent=1).encode(),
    }


def email(
    site: SiteInfo,
    day: str,
    items: Sequence[DigestItem],
    *,
    sender: str,
    to: str,
    unsubscribe_url: str,
    unsubscribe_email: str,
    token: str,
    page_url: str,
) -> EmailMessage:
    """The digest email: plain text and HTML, with a List-Unsubscribe header (RFC 2369)."""
    msg = EmailMessage()
    msg["Subject"] = day_title(site, day)
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(datetime.now(UTC))
    domain = sender.rsplit("@", 1)[-1].strip(">") or "retold.invalid"
    msg["Message-ID"] = make_msgid("digest", domain=domain)
    msg["List-Id"] = f"{site.title} daily digest <digest.{domain}>"
    # mailto: first: a static site has no server to take RFC 8058's one-click POST, so no
    # List-Unsubscribe-Post is claimed; the address's subject carries the reader's token.
    msg["List-Unsubscribe"] = (
        f"<mailto:{unsubscribe_email}?subject=unsubscribe%20{token}>, <{unsubscribe_url}>"
    )
    footer_text = (
        f"The whole digest on the web: {page_url}\n"
        f"Every sentence was checked against its source; each label says how far.\n"
        f"Unsubscribe: {unsubscribe_url} or mail {unsubscribe_email} "
        f"with the subject 'unsubscribe {token}'.\n"
    )
    msg.set_content(f"{day_title(site, day)}\n\n{items_text(items)}\n--\n{footer_text}")
    html = (
        f'<!doctype html><html lang="{esc(site.language)}"><head><meta charset="utf-8">'
        f"<title>{esc(day_title(site, day))}</title></head><body>\n"
        f"<h1>{esc(day_title(site, day))}</h1>\n<ol>\n{items_html(items)}</ol>\n"
        f'<p><a href="{esc(page_url)}">The digest on the web</a> · '
        f'<a href="{esc(unsubscribe_url)}">Unsubscribe</a></p>\n</body></html>\n'
    )
    msg.add_alternative(html, subtype="html")
    return msg


def confirmation_email(
    site: SiteInfo, *, sender: str, to: str, confirm_url: str, days: int
) -> EmailMessage:
    """The double opt-in mail: the link opens a page whose button confirms (a GET doesn't)."""
    msg = EmailMessage()
    msg["Subject"] = f"Confirm your subscription to the {site.title} daily digest"
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(datetime.now(UTC))
    domain = sender.rsplit("@", 1)[-1].strip(">") or "retold.invalid"
    msg["Message-ID"] = make_msgid("subscribe", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(
        f"Someone, probably you, asked for the {site.title} daily digest at this address.\n\n"
        f"To confirm, open this link and press the button on the page:\n{confirm_url}\n\n"
        f"If you didn't ask, ignore this mail: nothing will be sent, and the address is "
        f"forgotten after {days} days.\n"
    )
    return msg
