"""Pages that are not the whole story: paywalls, consent walls, teasers, too little text.

A page is an excerpt only on evidence that its text is cut or is the wall's own text: the
wall's words visible on the page, a visible paywall element beside a text that stops short,
a text that is the consent banner, or a text too short to be a story. A page that merely
declares `isAccessibleForFree: false` while carrying its whole text is a full article (many
publishers declare it on every page), and so is a complete short piece: 18 to 120 words
that end as a sentence ends.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from retold.text.caseless import caseless
from retold.text.scripts import word_count

MIN_WORDS = 120  # below this a text must end properly to count as a short article
MIN_SHORT_ARTICLE = 18  # below this nothing is a story, however it ends
FULL_TEXT_WORDS = 400  # a paywall element beside this much complete text is not a wall

PAYWALL_TEXT = caseless(
    r"subscribe (?:now )?to (?:continue|keep) reading|subscribe to read (?:the (?:full|rest)|"
    r"more|this)|"
    r"to (?:continue|keep) reading,? (?:please )?(?:subscribe|sign in|log in|become)|"
    r"(?:this|the rest of this|the full) (?:article|story|"
    r"piece) is (?:only )?(?:available )?(?:exclusively )?"
    r"(?:to|for) (?:our )?(?:paying )?(?:subscribers|members)|"
    r"(?:article|story) is (?:only )?exclusive(?:ly)? (?:to|for) [\w+ ]{0,20}"
    r"(?:subscribers|members)|"
    r"(?:for|to) subscribers only|subscribers[- ]only (?:article|story|content)|"
    r"you(?:'|’)?ve reached your (?:\w+ )?(?:free )?(?:article|story) limit|"
    r"you have reached (?:your|the) (?:\w+ )?limit of free|unlock (?:this|the full) (?:article|"
    r"story|piece|post)|(?:become|upgrade to) a paid (?:subscriber|member) to (?:unlock|read|"
    r"continue|access)|"
    r"(?:create a free account|register|sign in|log in) to (?:continue|keep) reading|"
    r"already a subscriber\?.{0,40}(?:continue|keep) reading",
)
TEASER_TEXT = caseless(
    r"(?:full|complete|whole|rest of the) (?:story|article|report|interview)(?: is| continues)? "
    r"(?:available |published |only )?(?:in|on) (?:our|the|today(?:'|’)s|tomorrow(?:'|’)s|"
    r"this week(?:'|’)s) "
    r"(?:\w+ )?(?:print|paper|newspaper|edition|app|magazine|e-?paper)|"
    r"read (?:the|this) (?:full|whole|complete) (?:story|article) (?:in|on) (?:our|"
    r"the) (?:\w+ )?(?:print|paper|app|edition|e-?paper)|"
    r"continue reading (?:in|on) (?:our|the) (?:\w+ )?app|"
    r"full (?:story|article) is (?:only )?available (?:to|for) [\w ]{1,40}? (?:in|on) (?:our|"
    r"the) [\w ]{0,30}?(?:app|edition|paper|terminal)|"
    r"(?:in|from) (?:our|the|today(?:'|’)s) print edition",
)


# Cheap substring tests on the raw HTML before any regex over the page's text.
_WALL_HINTS = (
    "continue reading",
    "keep reading",
    "subscribe to read",
    "to subscribers",
    "for subscribers",
    "to members",
    "for members",
    "subscribers only",
    "subscribers-only",
    "reached your",
    "you have reached",
    "unlock",
    "full story",
    "full article",
    "full report",
    "full interview",
    "whole story",
    "complete story",
    "rest of the",
    "read the full",
    "print edition",
)


def visible_wall(html: str, tree: etree._Element, text: str = "") -> str:
    """ "paywall" or "teaser" when the page tells its reader the story goes on elsewhere.

    `tree` has had its hidden elements removed (hidden.drop_hidden): a hidden modal
    that says "subscribe to continue reading" is not a wall anybody hit. With the
    extracted `text`, the wall must stand where that text is, or right after it: a
    newsletter box in the page's footer ("Subscribe now to keep reading and get access
    to the full archive") is not the end of this article.
    """
    lower = html.lower()
    if not any(h in lower for h in _WALL_HINTS):
        return ""
    visible = page_text(tree)
    for kind, pattern, anchors in (
        ("paywall", PAYWALL_TEXT, _PAYWALL_ANCHORS),
        ("teaser", TEASER_TEXT, _TEASER_ANCHORS),
    ):
        for start in _search_near(pattern, visible, anchors):
            if _beside(visible, text, start):
                return kind
    return ""


_PAYWALL_ANCHORS = ("reading", "subscriber", "limit", "unlock")
_TEASER_ANCHORS = ("story", "article", "report", "interview", "edition", "app")
WALL_REACH = 1500  # characters between a wall and the text it cuts


def _beside(visible: str, text: str, start: int) -> bool:
    """Whether a wall found at `start` of the page's text is at the extracted text."""
    words = text.split()
    if len(words) < 16:
        return True  # too little text to place: the wall is what the page is
    first, last = " ".join(words[:8]), " ".join(words[-8:])
    begin, end = visible.find(first), visible.rfind(last)
    if begin == -1 or end == -1:
        return True  # the text cannot be placed on the page: trust the wall
    return begin - WALL_REACH <= start <= end + len(last) + WALL_REACH


def _search_near(pattern: re.Pattern[str], text: str, anchors: tuple[str, ...]) -> list[int]:
    """Where `pattern` matches `text`, looking only in windows around literal anchors.

    A long alternation scanned over a whole page costs about a millisecond;
    the windows cost microseconds.
    """
    folded = text.casefold()  # the patterns are caseless (see retold.text.caseless)
    found: list[int] = []
    for anchor in anchors:
        start = folded.find(anchor)
        while start != -1:
            match = pattern.search(folded, max(0, start - 200), start + 300)
            if match:
                found.append(match.start())
            start = folded.find(anchor, start + 100)
    return found


_CONSENT_TEXT = caseless(
    r"we (?:and our (?:\d+ )?partners )?use cookies|this (?:site|website) uses cookies|"
    r"(?:accept|reject|manage) (?:all )?cookies|consent to (?:the use of )?(?:cookies|our use)|"
    r"your privacy choices|we value your privacy|cookie (?:settings|preferences|consent)|"
    r"store cookies on your device",
)
_ACCESSIBLE_FALSE = re.compile(
    r"""["']?isAccessibleForFree["']?\s*[:=]\s*["']?false""", re.IGNORECASE
)
# How a complete text ends: a sentence's closing punctuation, possibly inside quotes or
# brackets. An ellipsis is how cut text ends.
_ENDS_PROPERLY = re.compile(r"""(?<!\.\.)[.!?。！？]["'”’»)\]]*\s*$""")
_TEXT_NODES = etree.XPath(
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)"
    " and not(ancestor::template)]"
)


def page_text(tree: etree._Element) -> str:
    """All the text of a page's body, scripts and stylesheets aside."""
    return " ".join(" ".join(_TEXT_NODES(tree)).split())


# A closing paragraph wholly in brackets is a note, not a cut sentence: transcripts end on
# "(SOUNDBITE OF MUSIC)", posts on "[Updated 3 May]".
_BRACKETED_NOTE = re.compile(r"\n\s*[(\[][^\n]{1,200}[)\]]\s*$")


def ends_properly(text: str) -> bool:
    """Whether a text ends the way a finished piece does (not mid-sentence, not "…")."""
    text = text.rstrip()
    if _BRACKETED_NOTE.search(text):
        text = text[: text.rfind("\n")].rstrip()
    return bool(_ENDS_PROPERLY.search(text))


def declared_cut(html: str, tree: etree._Element, words: int) -> bool:
    """The page declares itself not free AND its declared paywalled part is not there.

    schema.org's paywall markup names the paywalled part (`hasPart.cssSelector`); where
    that part is on the page with text in it, the reader got the whole story.
    """
    if "ccessibleForFree" not in html or not _ACCESSIBLE_FALSE.search(html):
        return False
    selectors = _paywalled_selectors(tree)
    if not selectors:
        return False  # a bare declaration is not evidence that anything is missing
    for selector in selectors:
        kind, name = selector[0], selector[1:]
        attr = "class" if kind == "." else "id"
        found = (
            tree.xpath(
                f"//*[contains(concat(' ', normalize-space(@{attr}), ' '), $n)]", n=f" {name} "
            )
            if attr == "class"
            else tree.xpath("//*[@id=$n]", n=name)
        )
        if any(word_count(" ".join(el.itertext())) >= MIN_SHORT_ARTICLE for el in found):
            return False
    return True


def _paywalled_selectors(tree: etree._Element) -> list[str]:
    out: list[str] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        raw = script.text or ""
        if "cssSelector" not in raw:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack: list[object] = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                selector = node.get("cssSelector")
                free = str(node.get("isAccessibleForFree", "")).lower()
                if isinstance(selector, str) and free == "false":
                    out += [
                        s.strip()
                        for s in selector.split(",")
                        if re.fullmatch(r"[.#][\w-]+", s.strip())
                    ]
                stack.extend(v for v in node.values() if isinstance(v, dict | list))
    return out


def excerpt_reason(
    html: str, tree: etree._Element, text: str, paywall_element: bool, wall: str | None = None
) -> str:
    """Why the extracted `text` is not the whole story, or "" when it is.

    `tree` is the page without its hidden elements; `paywall_element` says a visible
    element is marked as a paywall (by class or id); `wall` is what `visible_wall` found,
    None when it has not been looked for yet.
    """
    words = word_count(text)
    complete = ends_properly(text)
    if words < FULL_TEXT_WORDS or not complete:
        # A wall's words beside a long, finished text are a box for other articles.
        wall = visible_wall(html, tree, text) if wall is None else wall
        if wall:
            return wall
    if (words < FULL_TEXT_WORDS or not complete) and (
        declared_cut(html, tree, words) or (paywall_element and not complete)
    ):
        return "paywall"
    if words < MIN_WORDS and _CONSENT_TEXT.search(text.casefold()):
        return "consent wall"  # what we extracted is the banner itself
    if words < MIN_SHORT_ARTICLE:
        if _CONSENT_TEXT.search(page_text(tree).casefold()):
            return "consent wall"
        return "too little text"
    if words < MIN_WORDS and not complete:
        return "too little text"
    return ""
