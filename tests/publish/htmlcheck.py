"""Small helpers for reading built pages in tests."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import lxml.html

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Balance(HTMLParser):
    """Checks that every non-void element is closed, in order (we never rely on implied ends)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def check_well_formed(text: str) -> None:
    parser = _Balance()
    parser.feed(text)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert not parser.stack, f"unclosed: {parser.stack}"
    assert len(parser.ids) == len(set(parser.ids)), "duplicate id attributes"


def page(root: Path, rel: str) -> lxml.html.HtmlElement:
    path = root / rel
    if path.is_dir():
        path = path / "index.html"
    text = path.read_text("utf-8")
    check_well_formed(text)
    return lxml.html.fromstring(text)


def text_of(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())
