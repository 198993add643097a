"""Main text and metadata of an article page.

trafilatura finds the main text (fast mode, favouring precision, comments off).
Then three cheap passes on the same parsed tree do what it leaves undone:

1. metadata from the page's own declarations (Open Graph, JSON-LD, <link
   rel=canonical>, <html lang>), which are more exact than heuristics (full
   timestamps rather than dates);
2. clean-up of furniture the extractor kept: captions, photo credits,
   "Read more:" lines, newsletter and share prompts, author bios, cookie text.
   Paragraphs are matched against the text of the page's furniture elements
   (found by class/id) and against generic patterns;
3. detection of pages that are not the whole story (paywall, consent wall,
   teaser, too little text), so the writer never retells half a story as whole.

The expensive trafilatura fallbacks run only when the fast pass finds too little.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from retold.ingest.clean import (
    fold,
    html_to_text,
    is_bio,
    is_boilerplate_line,
    join_paragraphs,
    normalise_space,
    word_count,
)
from retold.models import Extracted, FeedItem

MIN_WORDS = 120  # below this a page is an excerpt, whatever else it claims

# Class/id tokens of page furniture whose text must not end up in the article.
_FURNITURE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:caption\w*|credits?|photo-?credit|bio|biography|author-?(?:bio|box|info|"
    r"card)|about-?(?:the-?)?author|"
    r"pull-?quotes?|newsletter\w*|subscribe\w*|subscription|sign-?up|signup|cookie\w*|consent\w*|"
    r"gdpr|cmp|"
    r"share\w*|sharing|social\w*|related\w*|read-?more|more-?(?:stories|news|from)|most-?(?:read|"
    r"popular)|"
    r"popular|trending|recommended|promo\w*|advert\w*|ads?|ad-?slot|sponsor\w*|comments?|"
    r"comment-?\w+|"
    r"breadcrumbs?|footer|nav|navbar|menu|paywall\w*|tags?)(?=$|[\s_-])",
    re.IGNORECASE,
)
_PAYWALL_ATTR = re.compile(
    r"(?:^|[\s_-])(?:paywall\w*|regwall|reg-?wall|meter-?wall|piano\w*|tp-modal|subscriber-?only|"
    r"premium-?(?:content|wall|lock)|article-?locked|locked-?content|subscribe-?wall)(?=$|[\s_-])",
    re.IGNORECASE,
)
_NO_TEXT_TAGS = frozenset(
    ("script", "style", "noscript", "template", "svg", "head", "title", "meta", "link")
)

_PAYWALL_TEXT = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|subscribe to read (?:the (?:full|rest)|"
    r"more|this)|"
    r"to (?:continue|keep) reading,? (?:please )?(?:subscribe|sign in|log in|become)|"
    r"(?:this|the rest of this|the full) (?:article|story|"
    r"piece) is (?:only )?(?:available )?(?:exclusively )?"
    r"(?:to|for) (?:our )?(?:paying )?(?:subscribers|members)|"
    r"(?:for|to) subscribers only|subscribers[- ]only (?:article|story|content)|"
    r"you(?:'|’)?ve reached your (?:\w+ )?(?:free )?(?:article|story) limit|"
    r"you have reached (?:your|the) (?:\w+ )?limit of free|unlock (?:this|the full) (?:article|"
    r"story)|"
    r"(?:create a free account|register|sign in|log in) to (?:continue|keep) reading|"
    r"already a subscriber\?.{0,40}(?:continue|keep) reading",
    re.IGNORECASE,
)
_TEASER_TEXT = re.compile(
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
    re.IGNORECASE,
)
_CONSENT_TEXT = re.compile(
    r"we (?:and our (?:\d+ )?partners )?use cookies|this (?:site|website) uses cookies|"
    r"(?:accept|reject|manage) (?:all )?cookies|consent to (?:the use of )?(?:cookies|our use)|"
    r"your privacy choices|we value your privacy|cookie (?:settings|preferences|consent)",
    re.IGNORECASE,
)
_ACCESSIBLE_FALSE = re.compile(
    r"""["']?isAccessibleForFree["']?\s*[:=]\s*["']?false""", re.IGNORECASE
)


@dataclass
class _PageSignals:
    """What one walk over the parsed page finds besides the main text."""

    furniture: list[str] = field(default_factory=list)  # folded texts of furniture blocks
    paywall_element: bool = False


def extract(html: str, url: str) -> Extracted:
    """Clean main text and metadata of one HTML page fetched from `url`."""
    tree = load_html(html) if html and html.strip() else None
    if tree is None:
        return Extracted(
            title="", text="", canonical_url=url, excerpt_only=True, excerpt_reason="empty page"
        )
    meta = _page_metadata(tree, url)
    signals = _walk(tree)
    wall = _visible_wall(html, tree)

    # Text a reader can't see is text a reader didn't get: it is also where prompt
    # injections hide ("ignore previous instructions…" in white on white).
    _drop_hidden(tree)
    doc = _trafilatura(tree, url, fast=True)
    if not wall and (doc is None or word_count(doc.text or "") < MIN_WORDS):
        # Short or nothing and no wall to explain it: worth the slower fallbacks, once.
        slow = _trafilatura(tree, url, fast=False)
        if slow is not None and word_count(slow.text or "") > word_count(
            (doc.text if doc else "") or ""
        ):
            doc = slow

    title = str(meta.get("title") or "")
    if not (title and meta.get("author") and meta.get("date")):
        # The page declares too little: let trafilatura's heuristics fill the gaps.
        _fill_metadata(meta, tree, url)
        title = str(meta.get("title") or "")
    body = (doc.text or "") if doc is not None else ""
    text = join_paragraphs(_clean(body.split("\n"), title, signals))
    reason = wall or _excerpt_reason(html, tree, text, signals)
    date = meta.get("date")
    return Extracted(
        title=title,
        text=text,
        author=str(meta.get("author") or ""),
        date=date if isinstance(date, datetime) else None,
        language=str(meta.get("language") or ""),
        site_name=str(meta.get("site_name") or ""),
        image=str(meta.get("image") or ""),
        canonical_url=str(meta.get("canonical") or url),
        excerpt_only=bool(reason),
        excerpt_reason=reason,
    )


def _fill_metadata(meta: dict[str, object], tree: etree._Element, url: str) -> None:
    found = extract_metadata(tree, default_url=url, extensive=False)
    if not meta.get("title") and found.title:
        meta["title"] = normalise_space(found.title)
    if not meta.get("author") and found.author:
        meta["author"] = _clean_author(found.author)
    if not meta.get("date") and found.date:
        meta["date"] = _parse_date(found.date)
    if not meta.get("site_name") and found.sitename:
        meta["site_name"] = normalise_space(found.sitename)
    if not meta.get("image") and found.image:
        meta["image"] = urljoin(url, found.image)


def extract_feed_content(item: FeedItem) -> Extracted | None:
    """The article from a feed item that carries its full text, else None.

    Many feeds carry only a summary in their content field; those return None so
    the page gets fetched instead.
    """
    if not item.content_html:
        return None
    paras = _clean(html_to_text(item.content_html).split("\n\n"), item.title, _PageSignals())
    text = join_paragraphs(paras)
    if word_count(text) < MIN_WORDS:
        return None
    reason = ""
    if _PAYWALL_TEXT.search(text):
        reason = "paywall"
    elif _TEASER_TEXT.search(text):
        reason = "teaser"
    return Extracted(
        title=item.title,
        text=text,
        author=item.author,
        date=item.published,
        image=item.image,
        canonical_url=item.url,
        excerpt_only=bool(reason),
        excerpt_reason=reason,
    )


# --- main text ---------------------------------------------------------------------


def _trafilatura(
    tree: etree._Element, url: str, *, fast: bool
) -> trafilatura.settings.Document | None:
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # Metadata comes from the page's declarations (see _page_metadata); trafilatura's
        # own pass costs a third of the time and only runs when those are missing.
        with_metadata=False,
    )
    if result is None or isinstance(result, dict):
        return None
    return result


def _clean(lines: list[str], title: str, signals: _PageSignals) -> list[str]:
    furniture = "\n".join(signals.furniture)
    title_key = fold(title)
    kept: list[str] = []
    for raw in lines:
        para = normalise_space(raw)
        if not para:
            continue
        key = fold(para).lstrip("-•*· ")
        if key == title_key:
            continue
        if is_boilerplate_line(para):
            continue
        if word_count(para) <= 40 and (
            _PAYWALL_TEXT.search(para) or kept and _TEASER_TEXT.search(para)
        ):
            continue
        if len(key) >= 12 and key in furniture:
            continue
        kept.append(para)
    # Pull quotes repeat a sentence of the article as a paragraph of their own.
    if len(kept) > 1:
        keys = [fold(p) for p in kept]
        kept = [
            p
            for i, p in enumerate(kept)
            if word_count(p) > 40
            or not any(
                j != i and len(k) > len(keys[i]) and keys[i].strip('"“”') in k
                for j, k in enumerate(keys)
            )
        ]
    # Author bios and sign-offs sit at the end; trim them there only.
    while kept and (is_bio(kept[-1]) or is_boilerplate_line(kept[-1])):
        kept.pop()
    return kept


_FURNITURE_XPATH = etree.XPath("//body//*[@class or @id] | //body//figcaption")
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


def _walk(tree: etree._Element) -> _PageSignals:
    """Furniture blocks (by class/id) and visible paywall markers."""
    signals = _PageSignals()
    for el in _FURNITURE_XPATH(tree):
        furniture, paywall = _attr_kind(f"{el.get('class', '')} {el.get('id', '')}")
        if el.tag == "figcaption" or furniture:
            text = normalise_space(" ".join(el.itertext()))
            # A huge "furniture" block is a wrapper around the article: ignore it.
            if text and word_count(text) <= 250:
                signals.furniture.append(fold(text))
        if paywall and not _is_hidden(el):
            signals.paywall_element = True
    return signals


@functools.lru_cache(maxsize=4096)
def _attr_kind(attrs: str) -> tuple[bool, bool]:
    """(furniture?, paywall?) for a class+id string; sites repeat the same few thousand."""
    return bool(_FURNITURE_ATTR.search(attrs)), bool(_PAYWALL_ATTR.search(attrs))


def _visible_text(tree: etree._Element) -> str:
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
        if parent_hidden or not tag or tag in _NO_TEXT_TAGS or _is_hidden(el):
            hidden.add(el)
            continue
        if el.text:
            out.append(el.text)
    return normalise_space(" ".join(out))


def _visible_wall(html: str, tree: etree._Element) -> str:
    """ "paywall" or "teaser" when the page tells its reader the story goes on elsewhere."""
    lower = html.lower()
    if not any(h in lower for h in _WALL_HINTS):
        return ""
    visible = _visible_text(tree)
    if _search_near(_PAYWALL_TEXT, visible, _PAYWALL_ANCHORS):
        return "paywall"
    if _search_near(_TEASER_TEXT, visible, _TEASER_ANCHORS):
        return "teaser"
    return ""


_PAYWALL_ANCHORS = ("reading", "subscriber", "limit", "unlock")
_TEASER_ANCHORS = ("story", "article", "report", "interview", "edition", "app")


def _search_near(pattern: re.Pattern[str], text: str, anchors: tuple[str, ...]) -> bool:
    """`pattern.search(text)`, but only in windows around literal anchors.

    A long alternation scanned over a whole page costs about a millisecond;
    the windows cost microseconds.
    """
    lower = text.lower()
    for anchor in anchors:
        start = lower.find(anchor)
        while start != -1:
            if pattern.search(text, max(0, start - 200), start + 300):
                return True
            start = lower.find(anchor, start + 100)
    return False


_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)"
    r"|font-size\s*:\s*0(?:px|em|rem|pt)?\s*(?:;|$|!)|text-indent\s*:\s*-\d{3,}"
    r"|(?:left|top)\s*:\s*-\d{4,}px|clip\s*:\s*rect\(\s*0",
    re.IGNORECASE,
)
_COLOR = re.compile(r"(?<![-\w])color\s*:\s*([^;!]+)", re.IGNORECASE)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;!]+)", re.IGNORECASE)
_WHITES = {"#fff", "#ffffff", "white", "rgb(255,255,255)", "#fefefe"}
_HIDDEN_RULE = re.compile(
    r"([^{}]+)\{[^}]*?(?:display\s*:\s*none|visibility\s*:\s*hidden)[^}]*\}", re.IGNORECASE
)
_SIMPLE_SELECTOR = re.compile(r"^([.#])([\w-]+)$")


def _same_colour(style: str) -> bool:
    """Text the colour of its own background (white on white, black on black)."""
    color, background = _COLOR.search(style), _BACKGROUND.search(style)
    if not color:
        return False
    fg = color.group(1).strip().lower().replace(" ", "")
    if background:
        return fg == background.group(1).strip().lower().replace(" ", "")
    return fg in _WHITES  # white text on the page's own (white) background


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and (_HIDING_STYLE.search(style) or _same_colour(style)))


def _hidden_selectors(tree: etree._Element) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own <style> blocks hide."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in tree.iter("style"):
        for rule in _HIDDEN_RULE.finditer(style.text or ""):
            for selector in rule.group(1).split(","):
                simple = _SIMPLE_SELECTOR.match(selector.strip())
                if simple:
                    (classes if simple.group(1) == "." else ids).add(simple.group(2))
    return classes, ids


def _drop_hidden(tree: etree._Element) -> None:
    """Remove elements a reader never sees (keeping their tails, which are visible)."""
    classes, ids = _hidden_selectors(tree)
    doomed = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if _is_hidden(el) or el.get("id") in ids or classes & set((el.get("class") or "").split()):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            previous = el.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _excerpt_reason(html: str, tree: etree._Element, text: str, signals: _PageSignals) -> str:
    words = word_count(text)
    if ("ccessibleForFree" in html and _ACCESSIBLE_FALSE.search(html)) or (
        signals.paywall_element and words < 400
    ):
        return "paywall"
    if words < MIN_WORDS:
        if _CONSENT_TEXT.search(_visible_text(tree)):
            return "consent wall"
        return "too little text"
    return ""


# --- metadata ------------------------------------------------------------------------


def _page_metadata(tree: etree._Element, url: str) -> dict[str, object]:
    props: dict[str, str] = {}
    for m in tree.iterfind(".//meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = m.get("content")
        if key and value and key not in props:
            props[key] = value.strip()
    jsonld = _jsonld_article(tree)
    out: dict[str, object] = {}

    title = props.get("og:title") or props.get("twitter:title") or _str(jsonld.get("headline"))
    if not title:
        h1 = tree.find(".//h1")
        if h1 is not None:
            title = " ".join(h1.itertext())
    out["title"] = normalise_space(title or "")

    author = (
        props.get("author")
        or props.get("article:author")
        or props.get("byl")
        or _jsonld_author(jsonld)
    )
    if author and not author.startswith(("http://", "https://")):
        out["author"] = _clean_author(author)

    for raw in (
        props.get("article:published_time"),
        _str(jsonld.get("datePublished")),
        props.get("date"),
        props.get("dc.date"),
        props.get("datepublished"),
        props.get("pubdate"),
        _time_element(tree),
    ):
        date = _parse_date(raw or "")
        if date is not None:
            out["date"] = date
            break

    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if not lang:
        lang = (
            props.get("content-language") or props.get("og:locale") or props.get("language") or ""
        )
    out["language"] = re.split(r"[-_]", lang.strip())[0].lower() if lang.strip() else ""

    out["site_name"] = normalise_space(
        props.get("og:site_name") or props.get("application-name") or ""
    )
    image = props.get("og:image") or props.get("twitter:image") or _jsonld_image(jsonld)
    out["image"] = urljoin(url, image) if image else ""

    canonical = ""
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href", "")
            break
    canonical = canonical or props.get("og:url", "")
    out["canonical"] = urljoin(url, canonical.strip()) if canonical else ""
    return out


def _jsonld_article(tree: etree._Element) -> dict[str, object]:
    """The first schema.org *Article object in the page's JSON-LD, if any."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack: list[object] = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                kind = node.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(
                    isinstance(k, str) and k.endswith(("Article", "BlogPosting", "Report"))
                    for k in kinds
                ):
                    return node
                if "@graph" in node:
                    stack.append(node["@graph"])
    return {}


def _jsonld_author(jsonld: dict[str, object]) -> str:
    author = jsonld.get("author")
    people = author if isinstance(author, list) else [author]
    names = [p.get("name") if isinstance(p, dict) else p for p in people]
    return ", ".join(n for n in names if isinstance(n, str) and n)


def _jsonld_image(jsonld: dict[str, object]) -> str:
    image = jsonld.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    return image if isinstance(image, str) else ""


def _time_element(tree: etree._Element) -> str:
    el = tree.find(".//time[@datetime]")
    return el.get("datetime", "") if el is not None else ""


def _parse_date(raw: str) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _clean_author(author: str) -> str:
    author = normalise_space(author)
    author = re.sub(r"^by\s+", "", author, flags=re.IGNORECASE)
    return author.strip(" ,;|")


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
