"""Text a reader never sees: found, measured and removed before extraction.

Hidden text is where prompt injections hide ("ignore previous instructions…" in white on
white), and text a reader didn't get is not part of the story. One rule decides what is
hidden (`is_hidden`); the rest applies it to a parsed page.

Two kinds of "hidden" are only hidden until a script runs, and on real pages they hold the
whole article: fade-in animations (`opacity:0`) and streamed server rendering (React puts
late content in `<div hidden>` and moves it into place). Those are kept when they hold
most of the page's text; a paragraph hidden inside an otherwise visible story is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)"
    r"|font-size\s*:\s*0(?:px|em|rem|pt)?\s*(?:;|$|!)|text-indent\s*:\s*-\d{3,}"
    r"|(?:left|top)\s*:\s*-\d{4,}px|clip\s*:\s*rect\(\s*0",
    re.IGNORECASE,
)
# Hiding that page scripts routinely undo once the page has loaded.
_REVEALED_LATER = re.compile(r"opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)", re.IGNORECASE)
_COLOR = re.compile(r"(?<![-\w])color\s*:\s*([^;!]+)", re.IGNORECASE)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;!]+)", re.IGNORECASE)
_WHITES = {"#fff", "#ffffff", "white", "rgb(255,255,255)", "#fefefe"}
_VISIBILITY_DECLARATION = re.compile(
    r"(?<![-\w])(?:display\s*:\s*([\w-]+)|visibility\s*:\s*(\w+))", re.IGNORECASE
)
_NAMES = re.compile(r"[.#][\w-]+")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SIMPLE_SELECTOR = re.compile(r"^([.#])([\w-]+)$")
_NO_TEXT_TAGS = frozenset(
    ("script", "style", "noscript", "template", "svg", "head", "title", "meta", "link")
)


_MAY_HIDE = etree.XPath("//*[@hidden or @aria-hidden or @style]")
_NAMED = etree.XPath("//*[@class or @id]")


def is_hidden(el: etree._Element) -> bool:
    """Whether an element's own attributes hide it from a reader.

    The single home of the hiding rules: attributes (`hidden`, `aria-hidden`) and inline
    styles (display, visibility, opacity, zero font size, off-screen positions, clipping,
    text the colour of its background).
    """
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and (_HIDING_STYLE.search(style) or _same_colour(style)))


def _same_colour(style: str) -> bool:
    """Text the colour of its own background (white on white, black on black)."""
    color, background = _COLOR.search(style), _BACKGROUND.search(style)
    if not color:
        return False
    fg = color.group(1).strip().lower().replace(" ", "")
    if background:
        return fg == background.group(1).strip().lower().replace(" ", "")
    return fg in _WHITES  # white text on the page's own (white) background


def _revealed_later(el: etree._Element) -> bool:
    """Hidden the way a script later reveals (fade-in, streamed rendering), nothing more."""
    style = el.get("style") or ""
    if el.get("aria-hidden") == "true":
        return False
    if el.get("hidden") is not None:
        return not (style and _HIDING_STYLE.search(style))
    if not _REVEALED_LATER.search(style):
        return False
    rest = _REVEALED_LATER.sub("", style)
    return not (_HIDING_STYLE.search(rest) or _same_colour(style))


def _css_visibility(css: str) -> Iterator[tuple[str, bool]]:
    """(selector, hides) for each display/visibility declaration of a stylesheet.

    `hides` is True only for display:none / visibility:hidden in a top-level rule: rules
    inside @media and other at-rules hide things on some screens only. Linear in the
    stylesheet (huge ones are common): only the declarations are visited, and brace depth
    is counted incrementally between them.
    """
    if "display" not in css and "visibility" not in css:
        return
    css = _CSS_COMMENT.sub("", css) if "/*" in css else css
    depth, scanned = 0, 0
    for match in _VISIBILITY_DECLARATION.finditer(css):
        pos = match.start()
        depth += css.count("{", scanned, pos) - css.count("}", scanned, pos)
        scanned = pos
        open_brace = css.rfind("{", 0, pos)
        start = max(css.rfind(c, 0, open_brace) for c in "{};") + 1
        value = (match.group(1) or match.group(2)).lower()
        yield css[start:open_brace], depth == 1 and value in ("none", "hidden")


def hidden_selectors(tree: etree._Element) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own <style> blocks hide for every reader.

    A class that any rule shows again (`.menu.open{display:block}`, a media query) is
    hidden only sometimes, usually until a script or a wider screen reveals it: kept.
    """
    hidden: set[str] = set()
    shown: set[str] = set()
    for style in tree.iter("style"):
        for selectors, hides in _css_visibility(style.text or ""):
            for selector in selectors.split(","):
                selector = selector.strip()
                if hides:
                    if _SIMPLE_SELECTOR.match(selector):
                        hidden.add(selector)
                else:
                    # The subject of the rule: the last compound selector's classes and ids.
                    subject = selector.rsplit(" ", 1)[-1].rsplit(">", 1)[-1]
                    shown.update(_NAMES.findall(subject))
    hidden -= shown
    classes = {s[1:] for s in hidden if s[0] == "."}
    ids = {s[1:] for s in hidden if s[0] == "#"}
    return classes, ids


_TEXT_NODES = etree.XPath(".//text()[not(parent::script) and not(parent::style)]")


def _named(tree: etree._Element, classes: set[str], ids: set[str]) -> list[etree._Element]:
    """Elements with one of these classes or ids (an XPath query for a few names, which
    runs in C; a Python walk over the page for many)."""
    if len(classes) + len(ids) <= 40:
        tests = [f"@id='{i}'" for i in ids] + [
            f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in classes
        ]
        return list(tree.xpath(f"//*[{' or '.join(tests)}]"))
    return [
        el
        for el in _NAMED(tree)
        if el.get("id") in ids or classes.intersection((el.get("class") or "").split())
    ]


def _text_length(el: etree._Element) -> int:
    """Characters of text under `el`, scripts and stylesheets aside (they can be huge)."""
    return sum(len(t.strip()) for t in _TEXT_NODES(el))


def drop_hidden(tree: etree._Element) -> None:
    """Remove elements a reader never sees (keeping their tails, which are visible)."""
    classes, ids = hidden_selectors(tree)
    doomed: list[etree._Element] = []
    later: list[etree._Element] = []
    # Only elements with a hiding attribute can be hidden: XPath finds them in C, which
    # spares a Python visit to every element of pages with deep DOMs.
    for el in _MAY_HIDE(tree):
        if is_hidden(el):
            (later if _revealed_later(el) else doomed).append(el)
    if classes or ids:
        doomed += _named(tree, classes, ids)
    if later:
        marked = set(later)
        outermost = [el for el in later if not any(a in marked for a in el.iterancestors())]
        waiting = sum(_text_length(el) for el in outermost)
        body = tree.find("body")
        # Most of the page's text waiting for a script is the page, not a hidden aside.
        if waiting < 500 or waiting * 2 < _text_length(body if body is not None else tree):
            doomed += later
    for el in doomed:
        remove_keeping_tail(el)


def remove_keeping_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def visible_text(tree: etree._Element) -> str:
    """Text a reader sees: no scripts, styles, or hidden elements."""
    body = tree.find("body")
    root = body if body is not None else tree
    out: list[str] = []
    hidden: set[etree._Element] = set()
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        parent_hidden = el.getparent() in hidden
        if el.tail and not parent_hidden:
            out.append(el.tail)
        if parent_hidden or not tag or tag in _NO_TEXT_TAGS or is_hidden(el):
            hidden.add(el)
            continue
        if el.text:
            out.append(el.text)
    return " ".join(" ".join(out).split())
