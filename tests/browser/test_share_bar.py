"""The share bar: exact, percent-encoded network links; Copy link through the Clipboard API,
its visible fallback (script failure and no JavaScript at all); the Web Share API button."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from playwright.sync_api import expect

from tests.browser.newsroom import LEAD, SITE

ARTICLE = f"/{LEAD.slug}/"
URL = f"{SITE.base_url}/{LEAD.slug}/"  # the canonical URL a reader shares
ENCODED = re.compile(r"^[A-Za-z0-9%._~-]*$")  # what a percent-encoded query value may hold


def q(text: str) -> str:
    return quote(text, safe="")


def test_network_links_are_exact_and_percent_encoded(new_page: Any) -> None:
    page, problems = new_page()
    page.goto(ARTICLE)
    expected = {
        "X": f"https://twitter.com/intent/tweet?text={q(LEAD.headline)}&url={q(URL)}",
        "Facebook": f"https://www.facebook.com/sharer/sharer.php?u={q(URL)}",
        "WhatsApp": f"https://wa.me/?text={q(LEAD.headline + ' ' + URL)}",
        "LinkedIn": f"https://www.linkedin.com/sharing/share-offsite/?url={q(URL)}",
    }
    decoded = {
        "X": {"text": [LEAD.headline], "url": [URL]},
        "Facebook": {"u": [URL]},
        "WhatsApp": {"text": [f"{LEAD.headline} {URL}"]},
        "LinkedIn": {"url": [URL]},
    }
    for n in range(2):
        links = page.locator(".share").nth(n).locator("a[href]")
        expect(links).to_have_count(4)
        for i, name in enumerate(expected):
            link = links.nth(i)
            href = link.get_attribute("href") or ""
            assert href == expected[name], name
            query = urlsplit(href).query
            assert all(ENCODED.match(value) for value in re.split("[&=]", query)), href
            assert parse_qs(query) == decoded[name], name
            expect(link).to_have_attribute("target", "_blank")
            expect(link).to_have_attribute("rel", "noopener noreferrer")
            expect(link).to_have_accessible_name(f"Share on {name} (opens in a new tab)")
    assert problems.found == []


def test_copy_link_writes_the_url_to_the_clipboard(new_page: Any, server: str) -> None:
    page, problems = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.goto(ARTICLE)
    for n in range(2):  # both bars, by mouse and by keyboard
        page.evaluate("navigator.clipboard.writeText('')")
        summary = page.locator("details.copy summary").nth(n)
        if n == 0:
            summary.click()
        else:
            summary.focus()
            page.keyboard.press("Enter")
        expect(summary).to_have_text("Link copied")
        assert page.evaluate("navigator.clipboard.readText()") == URL
        expect(page.locator("[role=status]")).to_have_text("Link copied")
        expect(page.locator("details.copy").nth(n)).not_to_have_attribute("open", "")
    # and both turn back after a moment
    expect(page.locator("details.copy summary")).to_have_text(["Copy link", "Copy link"])
    expect(page.locator("[role=status]")).to_have_text("")
    assert problems.found == []


def test_copy_link_falls_back_to_the_field_when_the_clipboard_refuses(new_page: Any) -> None:
    page, problems = new_page()
    # fault injection: a browser that refuses clipboard writes (permission denied, policy, ...)
    page.add_init_script(
        "navigator.clipboard.writeText = () =>"
        " Promise.reject(new DOMException('denied', 'NotAllowedError'))"
    )
    page.goto(ARTICLE)
    page.locator("details.copy summary").first.click()
    field = page.locator("details.copy input").first
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    expect(field).to_have_value(URL)
    # selected, so Ctrl+C (or the phone's copy menu) finishes the job
    assert field.evaluate("f => [f.selectionStart, f.selectionEnd]") == [0, len(URL)]
    assert problems.found == []


def test_copy_link_without_javascript_opens_a_read_only_field(new_page: Any) -> None:
    page, problems = new_page(java_script_enabled=False)
    page.goto(ARTICLE)
    details = page.locator("details.copy").first
    details.locator("summary").focus()
    page.keyboard.press("Enter")  # a keyboard reader can open it
    expect(details).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    field = details.locator("input")
    expect(field).to_be_focused()
    expect(field).to_be_visible()
    expect(field).to_have_value(URL)
    expect(field).to_have_attribute("readonly", "")
    expect(field).to_have_accessible_name(re.compile("Link to this article"))
    # and with a mouse, in the second bar
    page.locator("details.copy summary").nth(1).click()
    expect(page.locator("details.copy input").nth(1)).to_be_visible()
    assert problems.found == []


def test_evidence_notes_work_without_javascript(new_page: Any) -> None:
    page, problems = new_page(java_script_enabled=False)
    page.goto(ARTICLE)
    page.locator(".ref a").first.click()
    assert page.evaluate("location.hash") == "#note-1"
    note = page.locator("#note-1 blockquote")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("close to all traffic")
    page.locator("#note-1 a", has_text="back").click()
    assert page.evaluate("location.hash") == "#ref-1"
    assert problems.found == []


def test_web_share_button_where_the_browser_has_the_api(new_page: Any) -> None:
    page, problems = new_page()
    # Chromium on Linux has no Web Share API; give it one that records what it was asked.
    page.add_init_script(
        "navigator.share = data => { window.shared = data; return Promise.resolve(); }"
    )
    page.goto(ARTICLE)
    buttons = page.locator(".share button.native-share")
    expect(buttons).to_have_count(2)
    buttons.first.click()
    assert page.evaluate("window.shared") == {"title": LEAD.headline, "url": URL}
    assert problems.found == []


def test_no_web_share_button_without_the_api(new_page: Any) -> None:
    page, _ = new_page()
    page.add_init_script("delete Navigator.prototype.share")
    page.goto(ARTICLE)
    expect(page.locator("details.copy summary").first).to_be_visible()
    expect(page.locator(".share button")).to_have_count(0)
