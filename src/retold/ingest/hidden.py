"""Text a reader never sees: found, measured and removed before extraction.

Hidden text is where prompt injections hide ("ignore previous instructions…" in white on
white), and text a reader didn't get is not part of the story. One rule decides what is
hidden (`is_hidden`); the rest applies it to a parsed page.

Two kinds of "hidden" are only hidden until a script runs, and on real pages they hold the
whole article: fade-in animations (`opacity:0`) and streamed server rendering (React puts
late content in `<div hidden>` and moves it into place). Those are kept when they hold
most of the page's text; a paragraph hidden inside an otherwise visible story is dropped.
A third kind is hidden until a reader clicks: accordion and tab panels (named by a
control's `aria-controls`, right after an `aria-expanded` toggle, `role="tabpanel"`). They
are part of the page, and are shown opened.

Colours are judged as a reader sees them: text whose contrast with the background behind
it (its own, the nearest ancestor's, else the page's) is below MIN_CONTRAST is blank; a
background we can't evaluate (an image, a stylesheet class) is given the benefit of the
doubt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# Hiding that no click undoes (display:none, `hidden` and collapsed boxes are judged apart:
# an accordion or tab panel a reader can open is part of the page).
_HIDING_STYLE = re.compile(
    r"visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)"
    r"|clip-path\s*:\s*(?:inset\(\s*(?:50|100)%|circle\(\s*0)"
    r"|transform\s*:\s*scale\(\s*0(?:\.0*)?\s*[,)]",
    re.IGNORECASE,
)
# Hiding that page scripts routinely undo once the page has loaded.
_REVEALED_LATER = re.compile(r"opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)", re.IGNORECASE)
# Properties whose values are worth parsing: anything else in a style can't hide text.
_MEASURED = re.compile(
    r"font-size|indent|left|top|right|margin|translate|width|height|clip|color|background",
    re.IGNORECASE,
)
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|%|vw|vh|ex|ch)?\s*(?:!important)?$", re.I)
# Text set smaller than this is a line of dots, not something a reader can read (11px
# small print is normal; 1px, 0.1em and font-size:2pt are hiding places).
_TINY = {"px": 4.0, "pt": 3.0, "em": 0.25, "rem": 0.25, "%": 25.0, "ex": 0.5, "ch": 0.5}
_OFF_SCREEN_PX = 500  # further than any layout nudge: the element is parked off the page
# Text whose contrast with its background is below this reads as blank (WCAG's minimum for
# body text is 4.5; light grey #ccc on white is 1.6 and is still read).
MIN_CONTRAST = 1.5
_VISIBILITY_DECLARATION = re.compile(
    r"(?<![-\w])(?:display\s*:\s*([\w-]+)|visibility\s*:\s*(\w+))", re.IGNORECASE
)
_BACKGROUND_DECLARATION = re.compile(r"(?<![-\w])background(?:-color)?\s*:\s*([^;}]+)", re.I)
_NAMES = re.compile(r"[.#][\w-]+")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SIMPLE_SELECTOR = re.compile(r"^([.#])([\w-]+)$")
_NO_TEXT_TAGS = frozenset(
    ("script", "style", "noscript", "template", "svg", "head", "title", "meta", "link")
)

# Named colours a page is likely to use for text or backgrounds (the light ones matter
# most: white-on-white is the classic hiding place).
_NAMED_COLOURS: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "snow": (255, 250, 250),
    "ivory": (255, 255, 240),
    "whitesmoke": (245, 245, 245),
    "ghostwhite": (248, 248, 255),
    "azure": (240, 255, 255),
    "mintcream": (245, 255, 250),
    "seashell": (255, 245, 238),
    "floralwhite": (255, 250, 240),
    "linen": (250, 240, 230),
    "oldlace": (253, 245, 230),
    "honeydew": (240, 255, 240),
    "aliceblue": (240, 248, 255),
    "lavenderblush": (255, 240, 245),
    "beige": (245, 245, 220),
    "cornsilk": (255, 248, 220),
    "lightyellow": (255, 255, 224),
    "gainsboro": (220, 220, 220),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "silver": (192, 192, 192),
    "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "dimgray": (105, 105, 105),
    "dimgrey": (105, 105, 105),
    "black": (0, 0, 0),
    "red": (255, 0, 0),
    "maroon": (128, 0, 0),
    "green": (0, 128, 0),
    "lime": (0, 255, 0),
    "blue": (0, 0, 255),
    "navy": (0, 0, 128),
    "yellow": (255, 255, 0),
    "orange": (255, 165, 0),
    "purple": (128, 0, 128),
    "teal": (0, 128, 128),
    "aqua": (0, 255, 255),
    "cyan": (0, 255, 255),
    "fuchsia": (255, 0, 255),
    "magenta": (255, 0, 255),
    "olive": (128, 128, 0),
    "brown": (165, 42, 42),
    "darkblue": (0, 0, 139),
    "darkgreen": (0, 100, 0),
    "darkred": (139, 0, 0),
}
_HEX = re.compile(r"#([0-9a-f]{3,8})\b", re.I)
_RGB = re.compile(
    r"rgba?\(\s*([\d.]+%?)[\s,]+([\d.]+%?)[\s,]+([\d.]+%?)(?:[\s,/]+([\d.]+%?))?\s*\)", re.I
)
_WORD = re.compile(r"[a-z]+", re.I)

Colour = tuple[float, float, float, float]  # r, g, b in 0..255, alpha in 0..1


# One pass over the tree (a union of paths walks it once per path).
_MAY_HIDE = etree.XPath(
    "//*[@hidden or @aria-hidden or @style or (self::font and @color) or self::template]"
)
_NAMED = etree.XPath("//*[@class or @id]")
_CONTROLS = etree.XPath("//@aria-controls")


class PageStyle:
    """What the page declares that decides whether a colour can be seen: its own background
    (body/html, inline or in a top-level rule) and which classes and ids stylesheets give
    a background. Each is read only when a verdict needs it: stylesheets can be huge, and
    most inline colours are decided by the inline backgrounds around them."""

    def __init__(self, tree: etree._Element) -> None:
        self._tree = tree
        self._body: Colour | None = None
        self._body_read = False
        self._backed: set[str] | None = None  # ".class"/"#id" a rule gives a background
        self._controlled: set[str] | None = None  # ids that a button opens (aria-controls)

    def expandable(self, el: etree._Element) -> bool:
        """Whether a reader can open this collapsed element: a panel that a control names
        (aria-controls), one right after a toggle (aria-expanded), a tab panel."""
        if el.tag in _NOT_PANELS or el.get("role") in _NOT_PANELS or el.get("aria-modal"):
            return False  # menus, dialogs and pop-ups open too, but they aren't the story
        if self._controlled is None:
            self._controlled = {
                name for value in _CONTROLS(self._tree) for name in str(value).split()
            }
        if el.get("role") == "tabpanel" or (el.get("id") or "\0") in self._controlled:
            return True
        previous = el.getprevious()
        return previous is not None and (
            previous.get("aria-expanded") is not None
            or any(d.get("aria-expanded") is not None for d in previous.iterdescendants())
        )

    def body(self) -> Colour | None:
        """The page's background: inline on <body>/<html>, else a top-level body/html rule
        (one under a media query is a dark mode a default browser doesn't show), else
        white. None when it is an image or a gradient."""
        if self._body_read:
            return self._body
        self._body_read = True
        colour: Colour | None = _WHITE
        for style in self._tree.iter("style"):
            css = style.text or ""
            if "background" not in css:
                continue
            for match in _PAGE_RULE.finditer(css):
                declared = _BACKGROUND_DECLARATION.search(match.group(1))
                depth = css.count("{", 0, match.start()) - css.count("}", 0, match.start())
                if declared and depth == 0:
                    colour = _background_colour(declared.group(1))
        root = self._tree.getroottree().getroot()
        for el in (root, root.find("body")):
            if el is not None:
                declared_here, own = _own_background(el)
                if declared_here:
                    colour = own
        if colour is not None and colour[3] < 0.5:
            colour = _WHITE  # see-through: the browser's white canvas shows
        self._body = colour
        return colour

    def backed(self, el: etree._Element) -> bool:
        """Whether a stylesheet rule may give this element a background (by class or id)."""
        if self._backed is None:
            self._backed = set()
            for style in self._tree.iter("style"):
                css = style.text or ""
                if "background" not in css:
                    continue
                css = _CSS_COMMENT.sub("", css) if "/*" in css else css
                for match in _BACKGROUND_DECLARATION.finditer(css):
                    open_brace = css.rfind("{", 0, match.start())
                    start = max(css.rfind(c, 0, open_brace) for c in "{};") + 1
                    self._backed.update(_NAMES.findall(css[start:open_brace]))
        if not self._backed:
            return False
        names = {f"#{el.get('id')}"} if el.get("id") else set()
        names.update(f".{c}" for c in (el.get("class") or "").split())
        return bool(names & self._backed)


_WHITE: Colour = (255.0, 255.0, 255.0, 1.0)
_NOT_PANELS = frozenset(
    ("nav", "dialog", "menu", "menubar", "alertdialog", "listbox", "navigation", "search")
)
# A top-level rule for the page itself ("body { … }", "html, body { … }").
_PAGE_RULE = re.compile(r"(?:^|[},;\s])(?:html|body|:root)\s*(?:,[^{]*)?\{([^}]*)\}", re.I)


def _background_behind(el: etree._Element) -> tuple[bool, Colour | None, list[etree._Element]]:
    """The nearest inline background behind `el`'s text: (found?, colour, the elements
    passed on the way). Not found means the page's own background shows."""
    passed: list[etree._Element] = []
    for node in (el, *el.iterancestors()):
        if node.tag in ("body", "html"):
            break
        declared, colour = _own_background(node)
        if declared and (colour is None or colour[3] >= 0.5):
            return True, colour, passed
        passed.append(node)  # nothing, or a faint tint: what shows through is further up
    return False, None, passed


def _own_background(el: etree._Element) -> tuple[bool, Colour | None]:
    """(declared?, colour) of the background an element declares itself; the colour is None
    where the declaration isn't a plain colour (an image, a gradient, a variable)."""
    bgcolor = el.get("bgcolor")
    if bgcolor:
        return True, parse_colour(bgcolor)
    style = el.get("style")
    if style and "background" in style.lower():
        match = _BACKGROUND_DECLARATION.search(style)
        if match:
            return True, _background_colour(match.group(1))
    return False, None


def _background_colour(value: str) -> Colour | None:
    value = value.strip().lower()
    if "url(" in value or "gradient" in value or "var(" in value:
        return None
    if value in ("transparent", "none", "inherit", "initial", "unset"):
        return (0.0, 0.0, 0.0, 0.0)
    return parse_colour(value)


def parse_colour(value: str) -> Colour | None:
    """A CSS colour (hex, rgb()/rgba(), a common name, transparent); None if unknown."""
    value = value.strip().lower()
    if "var(" in value:
        return None  # a custom property: its value lives in a stylesheet
    hexa = _HEX.search(value)
    if hexa:
        digits = hexa.group(1)
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits)
        if len(digits) not in (6, 8):
            return None
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), alpha)
    rgb = _RGB.search(value)
    if rgb:
        parts = [_channel(x, 255.0) for x in rgb.groups()[:3]]
        alpha = _channel(rgb.group(4), 1.0) if rgb.group(4) else 1.0
        return (parts[0], parts[1], parts[2], alpha)
    if "transparent" in value:
        return (0.0, 0.0, 0.0, 0.0)
    for word in _WORD.findall(value):
        if word in _NAMED_COLOURS:
            return (*map(float, _NAMED_COLOURS[word]), 1.0)  # type: ignore[return-value]
    return None


def _channel(raw: str, scale: float) -> float:
    return float(raw[:-1]) * scale / 100 if raw.endswith("%") else float(raw)


def _luminance(colour: Colour) -> float:
    def linear(c: float) -> float:
        c = min(max(c, 0.0), 255.0) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = colour
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(text: Colour, background: Colour) -> float:
    """WCAG contrast ratio of text over an opaque background (1 = invisible, 21 = black on
    white); a translucent text colour is blended over the background first."""
    alpha = text[3]
    blended: Colour = (
        text[0] * alpha + background[0] * (1 - alpha),
        text[1] * alpha + background[1] * (1 - alpha),
        text[2] * alpha + background[2] * (1 - alpha),
        1.0,
    )
    lighter, darker = sorted((_luminance(blended), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _declarations(style: str) -> dict[str, str]:
    """Property -> value of an inline style. Split, not one regex: styles holding a data:
    URI run to hundreds of kilobytes, and a backtracking pattern is quadratic on them."""
    props: dict[str, str] = {}
    for part in style.split(";"):
        name, colon, value = part.partition(":")
        if colon:
            props[name.strip().lower()] = value.strip().lower()
    return props


def _length(value: str | None) -> tuple[float, str] | None:
    if not value:
        return None
    match = _LENGTH.match(value.strip())
    if not match:
        return None
    return float(match.group(1)), (match.group(2) or "px").lower()


def _tiny(value: str | None) -> bool:
    length = _length(value)
    return length is not None and length[0] < _TINY.get(length[1], 0.0)


def _off_screen(props: dict[str, str]) -> bool:
    """Parked far outside the page (`left:-9999px`, `text-indent:-9999em`)."""
    for name in ("left", "top", "right", "text-indent", "margin-left", "margin-top"):
        length = _length(props.get(name))
        if length is None:
            continue
        value, unit = length
        px = value * 16 if unit in ("em", "rem") else value
        if px <= -_OFF_SCREEN_PX and unit in ("px", "em", "rem", "pt"):
            return True
    transform = props.get("transform", "")
    match = re.search(r"translate[xy]?\(\s*(-\d{4,})px", transform)
    return bool(match)


def _zero_box(props: dict[str, str]) -> bool:
    """A box of (almost) no width or height that clips what overflows it."""
    if "hidden" not in props.get("overflow", "") and "clip" not in props.get("overflow", ""):
        return False
    for name in ("width", "height", "max-height", "max-width"):
        length = _length(props.get(name))
        if length is not None and length[0] <= 1 and length[1] in ("px", "em", "rem", "%"):
            return True
    return False


def _clipped(props: dict[str, str]) -> bool:
    """`clip: rect(...)` leaving no area (screen-reader-only text: rect(0 0 0 0), rect(1px,
    1px, 1px, 1px))."""
    match = re.match(r"rect\(([^)]*)\)", props.get("clip", ""))
    if not match:
        return False
    sides = [_length(v) for v in re.split(r"[\s,]+", match.group(1).strip())]
    if len(sides) != 4 or any(v is None for v in sides):
        return False
    top, right, bottom, left = (v[0] for v in sides if v is not None)
    return bottom - top <= 1 or right - left <= 1


def _measured_hides(style: str) -> tuple[bool, dict[str, str]]:
    """Whether a style's measured properties hide its element, and the properties."""
    if not _MEASURED.search(style):
        return False, {}
    props = _declarations(style)
    hides = _tiny(props.get("font-size")) or _off_screen(props) or _clipped(props)
    return hides, props


def is_hidden(el: etree._Element, page: PageStyle | None = None) -> bool:
    """Whether a reader can't see an element, by the rules a browser renders with.

    The single home of the hiding rules: `<template>` (never rendered), the `hidden` and
    `aria-hidden` attributes, and inline styles: display, visibility, opacity, a tiny font
    size, off-screen positions, clipping, a zero-size box clipping its content, and text
    whose colour (a `color` style or `<font color>`) is too close to the background behind
    it (its own, the nearest ancestor's, else the page's). `page` holds the page's declared
    backgrounds; it is read from `el`'s page when not given.
    """
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "template":
        return True
    if el.get("aria-hidden") == "true":
        return True
    style = el.get("style") or ""
    hides, props = _measured_hides(style) if style else (False, {})
    if _collapsed(el, props if props else None):
        page = page or PageStyle(el.getroottree().getroot())
        if not page.expandable(el):
            return True
    if hides or (style and _HIDING_STYLE.search(style)):
        return True
    colour = props.get("color") or (el.get("color") if tag == "font" else None)
    if not colour:
        return False
    return _invisible_colour(el, colour, page)


def _invisible_colour(el: etree._Element, value: str, page: PageStyle | None) -> bool:
    text = parse_colour(value)
    if text is None:
        return False
    if text[3] <= 0.1:
        return True  # transparent text
    if page is None:
        page = PageStyle(el.getroottree().getroot())
    found, background, passed = _background_behind(el)
    if not found:
        background = page.body()
    if background is None:
        return False  # over an image: assume the designer made it legible
    if contrast(text, background) >= MIN_CONTRAST:
        return False
    # Too faint on what we know of; unless a stylesheet paints a box in between (the
    # usual white-on-dark panel), whose colour we don't evaluate.
    return not any(page.backed(node) for node in passed)


def _revealed_later(el: etree._Element) -> bool:
    """Hidden the way a script later reveals (fade-in, streamed rendering), nothing more."""
    style = el.get("style") or ""
    if el.get("aria-hidden") == "true":
        return False
    if el.get("hidden") is not None:
        return not (style and (_HIDING_STYLE.search(style) or _DISPLAY_NONE.search(style)))
    if not _REVEALED_LATER.search(style):
        return False
    rest = _REVEALED_LATER.sub("", style)
    hides, props = _measured_hides(rest)
    return not (
        _HIDING_STYLE.search(rest) or _DISPLAY_NONE.search(rest) or hides or _zero_box(props)
    )


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
    for pos, value in _visibility_declarations(css):
        depth += css.count("{", scanned, pos) - css.count("}", scanned, pos)
        scanned = pos
        open_brace = css.rfind("{", 0, pos)
        start = max(css.rfind(c, 0, open_brace) for c in "{};") + 1
        yield css[start:open_brace], depth == 1 and value in ("none", "hidden")


_DISPLAY_VALUE = re.compile(r"\s*:\s*([\w-]+)")
_VISIBILITY_VALUE = re.compile(r"\s*:\s*(\w+)")


def _visibility_declarations(css: str) -> list[tuple[int, str]]:
    """(position, lower-cased value) of each display and visibility declaration, in order.

    The property names are found with str.find (memchr speed) in the lower-cased sheet,
    not by a regex walking every character: pages inline megabytes of CSS.
    """
    low = css.lower()
    if len(low) != len(css):  # a character that lower-cases longer: positions would shift
        return [
            (m.start(), (m.group(1) or m.group(2)).lower())
            for m in _VISIBILITY_DECLARATION.finditer(css)
        ]
    found: list[tuple[int, str]] = []
    for name, value in (("display", _DISPLAY_VALUE), ("visibility", _VISIBILITY_VALUE)):
        at = low.find(name)
        while at != -1:
            before = low[at - 1] if at else " "
            # A whole property name: not "-webkit-display" or "nodisplay" (regex (?<![-\w]))
            if not (before == "-" or before == "_" or before.isalnum()):
                declared = value.match(low, at + len(name))
                if declared:
                    found.append((at, declared.group(1)))
            at = low.find(name, at + len(name))
    found.sort()
    return found


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
    """Elements with one of these classes or ids. (A Python walk over the elements that
    have either: an XPath test per name cost twice as much on real pages.)"""
    return [
        el
        for el in _NAMED(tree)
        if el.get("id") in ids or classes.intersection((el.get("class") or "").split())
    ]


def _text_length(el: etree._Element) -> int:
    """Characters of text under `el`, scripts and stylesheets aside (they can be huge)."""
    return sum(len(t.strip()) for t in _TEXT_NODES(el))


# React's streamed server rendering: late content arrives in <div hidden id="S:n">, and a
# script moves it to where <template id="B:n"> (a suspense boundary) or <template
# id="P:n"> (a segment) holds its place.
_STREAMED = etree.XPath("//div[@hidden and starts-with(@id, 'S:')]")
_PLACEHOLDERS = etree.XPath("//template[starts-with(@id, 'B:') or starts-with(@id, 'P:')]")


def place_streamed(tree: etree._Element) -> None:
    """Move streamed-rendering content to its placeholders, as the page's script does:
    left hidden it would be dropped, or read out of order after the page's footer."""
    segments = _STREAMED(tree)
    if not segments:
        return
    places = {t.get("id", "")[2:]: t for t in _PLACEHOLDERS(tree)}
    for segment in segments:
        place = places.get(segment.get("id", "")[2:])
        parent = place.getparent() if place is not None else None
        if place is None or parent is None:
            continue
        at = parent.index(place)
        for offset, child in enumerate(list(segment)):
            parent.insert(at + offset + 1, child)  # moves it, tail and all
        if segment.text and segment.text.strip():
            place.tail = segment.text + (place.tail or "")
        remove_keeping_tail(segment)
        remove_keeping_tail(place)


def drop_hidden(tree: etree._Element) -> None:
    """Remove elements a reader never sees (keeping their tails, which are visible)."""
    place_streamed(tree)
    classes, ids = hidden_selectors(tree)
    doomed: list[etree._Element] = []
    later: list[etree._Element] = []
    # Only elements with a hiding attribute can be hidden: XPath finds them in C, which
    # spares a Python visit to every element of pages with deep DOMs.
    page = PageStyle(tree)
    for el in _MAY_HIDE(tree):
        if is_hidden(el, page):
            (later if _revealed_later(el) else doomed).append(el)
        elif _collapsed(el):
            _open(el)
    if classes or ids:
        for el in _named(tree, classes, ids):
            if page.expandable(el):
                el.set("style", "display:block")  # the stylesheet hid it; a click shows it
            else:
                doomed.append(el)
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


def _collapsed(el: etree._Element, props: dict[str, str] | None = None) -> bool:
    """Folded away until a click: `hidden`, display:none, a zero-height clipping box."""
    style = el.get("style") or ""
    if el.get("hidden") is not None:
        return True
    if not style:
        return False
    if _DISPLAY_NONE.search(style):
        return True
    return ("height" in style or "width" in style) and _zero_box(
        _declarations(style) if props is None else props
    )


def _open(el: etree._Element) -> None:
    """Show a collapsed panel a reader can open (accordion, tab) as opened: the main-text
    extractor drops anything still marked `hidden` or styled away."""
    el.attrib.pop("hidden", None)
    if el.get("style"):
        el.set("style", "display:block")


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
    page = PageStyle(tree)
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        parent_hidden = el.getparent() in hidden
        if el.tail and not parent_hidden:
            out.append(el.tail)
        if parent_hidden or not tag or tag in _NO_TEXT_TAGS or is_hidden(el, page):
            hidden.add(el)
            continue
        if el.text:
            out.append(el.text)
    return " ".join(" ".join(out).split())
