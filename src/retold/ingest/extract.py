"""Main text and metadata of an article page.

One parse of the page, then, in order:

1. metadata (metadata.py): the page's own declarations first, trafilatura's heuristics
   for what they leave out;
2. hidden text removed (hidden.py): a reader never saw it, and prompt injections hide there;
3. one walk over the page's class/id elements: the text of furniture blocks (captions,
   share bars, newsletter boxes, related links) to drop from the extracted text later, and
   removal of bylines, dates and tooltips that pages put inside the first paragraph;
   press releases lose their "About <company>" section;
4. trafilatura finds the main text (fast mode, balanced, comments off); its slower
   fallbacks run only when the fast pass found too little or clearly missed part of the
   page's paragraph text;
5. clean-up of what it kept: furniture text, captions, credits, "Read more:" lines, share,
   social and subscription prompts, pull quotes, bios and sign-offs;
6. excerpt detection (walls.py): paywall, consent wall, teaser, too little text, so the
   writer never retells half a story as whole.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from retold.ingest.clean import (
    fold,
    html_to_text,
    is_about_heading,
    is_bio,
    is_boilerplate_line,
    join_paragraphs,
    normalise_space,
    release_footer_start,
)
from retold.ingest.hidden import drop_hidden, remove_keeping_tail
from retold.ingest.metadata import fill_metadata, page_metadata
from retold.ingest.walls import (
    MIN_WORDS,
    PAYWALL_TEXT,
    TEASER_TEXT,
    excerpt_reason,
    visible_wall,
)
from retold.models import Extracted, FeedItem
from retold.text.scripts import CJK, CJK_PUNCT, PHRASE_SPACED
from retold.text.scripts import word_count as _script_word_count

_SPACELESS = re.compile(f"[{CJK}{CJK_PUNCT}{PHRASE_SPACED}]")


def word_count(text: str) -> int:
    """retold.text's word count, with its common case (scripts written with spaces) done
    by str.split: this runs once per paragraph and per furniture block of every page."""
    if text.isascii() or not _SPACELESS.search(text):
        return len(text.split())
    return _script_word_count(text)


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


_GLUED_ATTR = re.compile(
    r"(?:^|[\s_-])(?:\w*tooltip\w*|by-?line\w*|author-?name|dateline|(?:post|entry|publish|"
    r"published|article)-?date|date)(?=$|[\s_-])",
    re.IGNORECASE,
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
    meta = page_metadata(tree, url)
    if not (meta.get("title") and meta.get("author") and meta.get("date")):
        # The page declares too little: let trafilatura's heuristics fill the gaps, while
        # the page still has its bylines and dates (they are cut from the text below).
        fill_metadata(meta, tree, url)
    # Text a reader can't see is text a reader didn't get: it is also where prompt
    # injections hide ("ignore previous instructions…" in white on white). Everything
    # below looks at the page without it.
    drop_hidden(tree)
    signals = _walk(tree)
    _drop_about_sections(tree)
    doc = _trafilatura(tree, url, fast=True)
    wall: str | None = None  # looked for only where it matters: scanning costs
    found = (doc.text or "") if doc is not None else ""
    if word_count(found) < MIN_WORDS or _missed_much(tree, found):
        wall = visible_wall(html, tree, found)
        if not wall:
            # Short or nothing and no wall to explain it: worth the slower fallbacks, once.
            slow = _trafilatura(tree, url, fast=False)
            if slow is not None and word_count(slow.text or "") > word_count(
                (doc.text if doc else "") or ""
            ):
                doc = slow

    title = str(meta.get("title") or "")
    body = (doc.text or "") if doc is not None else ""
    text = join_paragraphs(_clean(body.split("\n"), title, signals))
    reason = excerpt_reason(html, tree, text, signals.paywall_element, wall)
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
    if PAYWALL_TEXT.search(text):
        reason = "paywall"
    elif TEASER_TEXT.search(text):
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
        # Favouring precision loses whole articles on real pages (a third of some, all of
        # others); our own clean-up below removes what the balanced setting lets through.
        favor_precision=False,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # Metadata comes from the page's declarations (see metadata.page_metadata); trafilatura's
        # own pass costs a third of the time and only runs when those are missing.
        with_metadata=False,
    )
    if result is None or isinstance(result, dict):
        return None
    return result


_PARAGRAPH_TEXT = etree.XPath("//body//p//text()")
# Below this share of the page's <p> text the fast pass has missed part of the article.
# (0.4 and 0.6 score the same on both halves of the development pages.)
MISSED = 0.5


def _missed_much(tree: etree._Element, found: str) -> bool:
    """Whether the fast pass left out much of the page's paragraph text (it sometimes
    settles on one section of a long article)."""
    return len(found) < MISSED * sum(len(t) for t in _PARAGRAPH_TEXT(tree))


def _clean(lines: list[str], title: str, signals: _PageSignals) -> list[str]:
    furniture = "\n".join(signals.furniture)
    title_key = fold(title)
    kept: list[str] = []
    counts: dict[str, int] = {}
    folded: dict[str, str] = {}
    for raw in lines:
        para = normalise_space(raw)
        if not para:
            continue
        folded[para] = fold(para)
        key = folded[para].lstrip("-•*· ")
        if key == title_key:
            continue
        words = counts[para] = word_count(para)
        if is_boilerplate_line(para, words):
            continue
        if words <= 40 and (PAYWALL_TEXT.search(para) or kept and TEASER_TEXT.search(para)):
            continue
        if len(key) >= 12 and key in furniture:
            continue
        kept.append(para)
    # Pull quotes repeat a sentence of the article as a paragraph of their own. One
    # substring count over all paragraphs at once: pages with hundreds of lines are common.
    if len(kept) > 1:
        keys = [folded[p] for p in kept]
        joined = "\n".join(keys)
        same = Counter(keys)
        kept = [
            p
            for p, key in zip(kept, keys, strict=True)
            if len(needle := key.strip('"“”')) < 20
            or counts[p] > 40
            or joined.count(needle) <= same[key]
        ]
    footer = release_footer_start(kept)
    if footer is not None:
        del kept[footer:]
    # Author bios and sign-offs sit at the end; trim them there only.
    while kept and (is_bio(kept[-1]) or is_boilerplate_line(kept[-1], counts[kept[-1]])):
        kept.pop()
    return kept


# Not inside code: syntax highlighters mark up code with classes such as "comment".
_FURNITURE_XPATH = etree.XPath(
    "//body//*[(@class or @id or @role='tooltip') and not(ancestor::pre or ancestor::code)]"
    " | //body//figcaption"
)


def _walk(tree: etree._Element) -> _PageSignals:
    """Furniture blocks (by class/id), visible paywall markers, and the removal of
    pop-ups and bylines that pages put inside the article's first paragraph, where the
    extractor would glue them onto the first sentence (tooltips, byline and date spans)."""
    signals = _PageSignals()
    glued: list[etree._Element] = []
    collected: set[etree._Element] = set()
    for el in _FURNITURE_XPATH(tree):
        furniture, paywall, inline = _attr_kind(f"{el.get('class', '')} {el.get('id', '')}")
        if paywall:
            signals.paywall_element = True
        if (inline or el.get("role") == "tooltip") and _words_at_most(el, 30):
            # Short ones only: a container whose class happens to match holds the article.
            glued.append(el)
        if not (el.tag == "figcaption" or furniture or inline):
            continue
        if any(a in collected for a in el.iterancestors()):
            continue  # its text is already in its furniture ancestor's (nested blocks)
        text = normalise_space(" ".join(el.itertext()))
        # A huge "furniture" block is a wrapper around the article: ignore it.
        if text and len(text) <= 4000 and word_count(text) <= 250:
            signals.furniture.append(fold(text))
            collected.add(el)
    for el in glued:
        remove_keeping_tail(el)
    return signals


_HEADINGS = etree.XPath(
    "//body//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::strong"
    " or self::b][starts-with(normalize-space(.), 'About ') or"
    " starts-with(normalize-space(.), 'ABOUT ')]"
)


def _drop_about_sections(tree: etree._Element) -> None:
    """Cut a press release's "About <company>" section (heading and what follows it).

    Extractors drop the short heading and keep the boilerplate under it, so the cut is
    made on the page, where the heading still marks where the section starts.
    """
    for heading in _HEADINGS(tree):
        if heading.tag in ("strong", "b"):
            # A bold line standing alone is the heading: its paragraph.
            parent = heading.getparent()
            if parent is None or normalise_space(" ".join(parent.itertext())) != normalise_space(
                " ".join(heading.itertext())
            ):
                continue
            heading = parent
        following = heading.getnext()
        if following is None or heading.getparent() is None:
            continue
        if is_about_heading(" ".join(heading.itertext()), " ".join(following.itertext())):
            for el in [heading, *heading.itersiblings()]:
                remove_keeping_tail(el)


def _words_at_most(el: etree._Element, limit: int) -> bool:
    text = " ".join(el.itertext())
    return len(text) <= limit * 40 and word_count(text) <= limit


@functools.lru_cache(maxsize=4096)
def _attr_kind(attrs: str) -> tuple[bool, bool, bool]:
    """(furniture?, paywall?, glued furniture?) for a class+id string; sites repeat the same
    few thousand."""
    return (
        bool(_FURNITURE_ATTR.search(attrs)),
        bool(_PAYWALL_ATTR.search(attrs)),
        bool(_GLUED_ATTR.search(attrs)),
    )
