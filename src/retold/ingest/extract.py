"""Main text and metadata of an article page.

One parse of the page, then, in order:

1. metadata (metadata.py): the page's own declarations first, trafilatura's heuristics
   for what they leave out;
2. hidden text removed (hidden.py): a reader never saw it, and prompt injections hide there;
   tables that lay out the page (not data) become plain blocks;
3. one walk over the page's class/id elements: the text of furniture blocks (captions,
   share bars, newsletter boxes, related links) to drop from the extracted text later, and
   removal of bylines, dates and tooltips that pages put inside the first paragraph;
   press releases lose their "About <company>" section;
4. trafilatura finds the main text (fast mode, favouring recall, comments off); its slower
   fallbacks run only when the fast pass found too little or clearly missed part of the
   page's paragraph text; when both miss most of it (listicles, card and tab layouts), the
   blocks of the element holding the page's paragraphs are read instead;
5. clean-up of what it kept: furniture text, captions, credits, "Read more:" lines, share,
   social and subscription prompts, marketing calls to action and affiliate disclosures,
   promo banners, form small print, second copies of the page, pull quotes, the list of
   other articles under the article, bios and sign-offs;
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
    author_box_start,
    author_names,
    bio_start,
    dated_list_runs,
    divider_footer_start,
    fold,
    html_to_text,
    is_about_heading,
    is_bio,
    is_boilerplate_line,
    is_call_to_action,
    is_dangling_heading,
    is_offer_button,
    join_paragraphs,
    normalise_space,
    related_section_start,
    release_footer_start,
    repeated_runs,
    templated_runs,
    url_list_runs,
    without_closing_invitation,
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
from retold.records import Extracted, FeedItem
from retold.text.scripts import word_count

# Class/id tokens of page furniture whose text must not end up in the article. These
# patterns are matched against lower-cased values (see _attr_kind).
_FURNITURE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:caption\w*|credits?|photo-?credit|bio|biography|author-?(?:bio|box|info|"
    r"card)|about-?(?:the-?)?author|"
    r"pull-?quotes?|newsletter\w*|subscribe\w*|subscription|sign-?up|signup|cookie\w*|consent\w*|"
    r"gdpr|cmp|"
    r"share\w*|sharing|social\w*|related\w*|read-?more|more-?(?:stories|news|from)|most-?(?:read|"
    r"popular)|"
    r"popular|trending|recommended|promo\w*|cta\w*|call-?to-?action|disclaimer\w*|"
    r"affiliate-?(?:disclosure|disclaimer|notice)|advert\w*|ads?|ad-?slot|sponsor\w*|comments?|"
    r"comment-?\w+|"
    r"breadcrumbs?|footer|nav|navbar|menu|paywall\w*|tags?)(?=$|[\s_-])",
)
_PAYWALL_ATTR = re.compile(
    r"(?:^|[\s_-])(?:paywall\w*|regwall|reg-?wall|meter-?wall|piano\w*|tp-modal|subscriber-?only|"
    r"premium-?(?:content|wall|lock)|article-?locked|locked-?content|subscribe-?wall)(?=$|[\s_-])",
)


_GLUED_ATTR = re.compile(
    r"(?:^|[\s_-])(?:\w*tooltip\w*|by-?line\w*|author-?name|dateline|(?:post|entry|publish|"
    r"published|article)-?date|date)(?=$|[\s_-])",
)


@dataclass
class _PageSignals:
    """What one walk over the parsed page finds besides the main text."""

    furniture: list[str] = field(default_factory=list)  # folded texts of furniture blocks
    paywall_element: bool = False
    # folded texts of paragraphs that are one link and nothing else (see _link_paragraphs)
    link_paragraphs: set[str] = field(default_factory=set)


def extract(html: str, url: str) -> Extracted:
    """Clean main text and metadata of one HTML page fetched from `url`."""
    tree = load_html(_without_early_end(html)) if html and html.strip() else None
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
    # below looks at the page without it; panels a reader can open are shown opened.
    drop_hidden(tree)
    _unwrap_layout_tables(tree)
    _unwrap_quote_figures(tree)
    signals = _walk(tree)
    _drop_about_sections(tree)
    doc = _trafilatura(tree, url, fast=True)
    wall: str | None = None  # looked for only where it matters: scanning costs
    found = (doc.text or "") if doc is not None else ""
    paragraph_chars = 0  # the page's <p> text: measured only when the word count passes
    blob = _is_blob(found)
    if (
        word_count(found) < MIN_WORDS
        or blob
        or len(found) < MISSED * (paragraph_chars := _paragraph_chars(tree))
    ):
        wall = visible_wall(html, tree, found)
        if not wall:
            # Short or nothing and no wall to explain it: worth the slower fallbacks, once.
            slow = _trafilatura(tree, url, fast=False)
            slow_text = (slow.text or "") if slow is not None else ""
            if word_count(slow_text) > word_count(found) or (
                blob and not _is_blob(slow_text) and len(slow_text) > BLOB_KEEP * len(found)
            ):
                doc = slow

    title = str(meta.get("title") or "")
    body = (doc.text or "") if doc is not None else ""
    if (
        wall is not None
        and not wall
        and (
            (blob := _is_blob(body))
            or len(body) < RECOVER * (paragraph_chars or _paragraph_chars(tree))
        )
    ):
        # Both passes missed most of the page's paragraphs (listicles, tab and card
        # layouts), or gave it as one blob: read the blocks of the element that holds
        # them instead.
        recovered = _container_text(tree)
        if (blob and len(recovered) > BLOB_KEEP * len(body) and not _is_blob(recovered)) or (
            len(recovered) > len(body) and _holds_most(recovered, body)
        ):
            body = recovered
    author = str(meta.get("author") or "")
    text = join_paragraphs(_clean(body.split("\n"), title, signals, author))
    reason = excerpt_reason(html, tree, text, signals.paywall_element, wall)
    date = meta.get("date")
    return Extracted(
        title=title,
        text=text,
        author=author,
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
    paras = _clean(
        html_to_text(item.content_html).split("\n\n"), item.title, _PageSignals(), item.author
    )
    text = join_paragraphs(paras)
    if word_count(text) < MIN_WORDS:
        return None
    reason = ""
    folded = text.casefold()
    if PAYWALL_TEXT.search(folded):
        reason = "paywall"
    elif TEASER_TEXT.search(folded):
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


_END_TAG = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
# More than this much markup after the first </body> or </html> is page, not stray bytes.
_AFTER_END = 500


def _without_early_end(html: str) -> str:
    """The page without its </body> and </html> tags when the page goes on after them.

    Templates that close the document after the site header and then print the article
    are common; browsers read on and show everything (HTML's "after body" rules), but
    libxml2 drops what follows, which would lose the whole article.
    """
    end = _END_TAG.search(html)
    if end is None or len(html) - end.end() < _AFTER_END:
        return html
    return _END_TAG.sub(" ", html)


def _trafilatura(
    tree: etree._Element, url: str, *, fast: bool
) -> trafilatura.settings.Document | None:
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        # Favouring precision loses whole articles on real pages (a third of some, all of
        # others); the balanced setting still drops lists and sections of many (a page's
        # key list, half a guide). The fast pass favours recall, and our own clean-up below
        # removes what it lets through; fewer pages then need the slow pass. The slow pass
        # stays balanced: its fallbacks, favouring recall, settle on a fragment of some
        # pages that the balanced ones read whole.
        favor_precision=False,
        favor_recall=fast,
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


# A table's own rows (not those of tables nested in it), and whether it declares itself a
# data table (header cells, a caption).
_ROWS = etree.XPath("./tr | ./tbody/tr | ./thead/tr | ./tfoot/tr")
_DATA_MARKS = etree.XPath("./caption | ./thead | ./tr/th | ./tbody/tr/th")
_CELL_HEADINGS = etree.XPath(".//*[self::h1 or self::h2 or self::h3 or self::h4]")
_CELL_PARAGRAPHS = etree.XPath("count(.//p)")
_LAYOUT_CELL_PARAGRAPHS = 3
_REGION_WORDS = 20
# A single row or column this long holds a page's regions side by side or stacked; shorter
# ones are boxes (a callout, a code sample, a card) that read well as they are.
_LAYOUT_STRIP_WORDS = 200
_TABLE_PARTS = frozenset(("tbody", "thead", "tfoot", "tr", "td", "th"))


def _is_layout_table(table: etree._Element) -> bool:
    """Whether a table lays out the page rather than holding data: it says so (role), it
    holds another table, its cells hold paragraphs and headings, or it has one row or one
    column and no header cells. (Old templates and forums put the whole article in one
    cell of such a grid.)"""
    if table.get("role") in ("presentation", "none"):
        return True
    if _DATA_MARKS(table):
        return False
    rows = _ROWS(table)
    if not rows or _is_code_table(rows):
        return False
    if (len(rows) == 1 or all(len(row) <= 1 for row in rows)) and _words_over(
        table, _LAYOUT_STRIP_WORDS
    ):
        return True
    if table.find(".//table") is not None:
        return True
    return any(_is_region(cell) for row in rows for cell in row)


def _is_code_table(rows: list[etree._Element]) -> bool:
    """Syntax highlighters lay code out as a table: line numbers in one cell, the code in a
    <pre> filling the next. Unwrapped, the numbers would become a paragraph of their own."""
    for row in rows:
        for cell in row:
            pre = cell.find(".//pre")
            if pre is not None:
                code = len("".join(pre.itertext()).strip())
                return code >= 0.8 * len("".join(cell.itertext()).strip())
    return False


def _is_region(cell: etree._Element) -> bool:
    """A cell holding several paragraphs, or a heading with text under it. (A heading
    alone is a header cell; WordPress wraps every datum of a data table in one <p>.)"""
    if _CELL_PARAGRAPHS(cell) >= _LAYOUT_CELL_PARAGRAPHS:
        return True
    headings = _CELL_HEADINGS(cell)
    if not headings:
        return False
    heading_words = sum(word_count(" ".join(h.itertext())) for h in headings)
    return word_count(" ".join(cell.itertext())) > heading_words + _REGION_WORDS


def _unwrap_layout_tables(tree: etree._Element) -> None:
    """Turn layout tables into plain blocks. Extractors write a table as one line per row
    ("| cell | cell |"): a page laid out in a table came out as one line holding the
    article, its sidebar and its footer, which no line-level clean-up can take apart."""
    # Decide for every table first: renaming an outer table changes what an inner one sees.
    layout = [(t, _ROWS(t)) for t in tree.iter("table") if _is_layout_table(t)]
    for table, rows in layout:
        # Only this table's own sections, rows and cells: a data table nested inside stays.
        for part in [*table, *rows, *(cell for row in rows for cell in row)]:
            if part.tag in _TABLE_PARTS:
                part.tag = "div"
        table.tag = "div"


# Quotes set as figures (HTML's way to attribute one), not social-media embeds.
_QUOTE_FIGURES = etree.XPath(
    "//figure[.//blockquote and not(contains(@class, 'embed') or contains(@class, 'tweet')"
    " or .//blockquote[contains(@class, 'embed') or contains(@class, 'tweet')"
    " or contains(@class, 'instagram') or contains(@class, 'tiktok')])]"
)


def _unwrap_quote_figures(tree: etree._Element) -> None:
    """Make quotes set in <figure> plain blocks: trafilatura drops every figure (they
    mostly hold images), and with them the quotes an article is built around."""
    for figure in _QUOTE_FIGURES(tree):
        figure.tag = "div"


# One "paragraph" this long holding nearly all the text is not the page's paragraphs but
# trafilatura's last resort (the whole article element's text in one piece: the article,
# its share bar, newsletter box and related links glued together). A replacement must keep
# at least BLOB_KEEP of its length.
BLOB_CHARS = 3000
BLOB_SHARE = 0.8
BLOB_KEEP = 0.5


def _is_blob(text: str) -> bool:
    if len(text) < BLOB_CHARS:
        return False
    longest = max((len(line) for line in text.split("\n")), default=0)
    return longest >= BLOB_CHARS and longest >= BLOB_SHARE * len(text)


_PARAGRAPH_TEXT = etree.XPath("//body//p//text()")
# Below this share of the page's <p> text the fast pass has missed part of the article.
# (0.6 gains on half B and loses nothing on half A; counting list text as well gains a
# little more on both but sends twice as many pages through the slow pass.)
MISSED = 0.6


def _paragraph_chars(tree: etree._Element) -> int:
    return sum(len(t) for t in _PARAGRAPH_TEXT(tree))


# Below this share of the page's <p> text after both passes, the page's own paragraph
# container is read instead (see _container_text).
RECOVER = 0.5
# The container: the deepest element still holding this share of the page's <p> text.
_CONTAINER_SHARE = 0.8
_BLOCK_TAGS = frozenset(
    ("p", "li", "h2", "h3", "h4", "h5", "td", "th", "blockquote", "dt", "dd", "pre", "figcaption")
)
_CHROME_TAGS = frozenset(
    (
        "nav",
        "aside",
        "footer",
        "header",
        "form",
        "button",
        "select",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "figure",
    )
)


def _holds_most(recovered: str, found: str) -> bool:
    """Whether the recovered text keeps most of the real paragraphs the passes found
    (long ones: short lines are the menus and badges they settle on when they fail);
    when it doesn't, the container is some other block (a footer's legal text)."""
    long = [fold(p) for p in found.split("\n") if word_count(p) >= 25]
    if not long:
        return True
    haystack = fold(recovered)
    return sum(p in haystack for p in long) * 2 >= len(long)


def _container_text(tree: etree._Element) -> str:
    """The text blocks (paragraphs, list items, subheadings, table cells) of the deepest
    element that holds most of the page's <p> text, one paragraph per block, page chrome
    and furniture blocks left out."""
    weight: dict[etree._Element, int] = {}
    for p in tree.iter("p"):
        n = len(normalise_space(" ".join(p.itertext())))
        for ancestor in p.iterancestors():
            weight[ancestor] = weight.get(ancestor, 0) + n
    body = tree.find("body")
    if body is None or not weight.get(body):
        return ""
    node = body
    while True:
        children = [c for c in node if c in weight]
        best = max(children, key=weight.__getitem__, default=None)
        if best is None or weight[best] < _CONTAINER_SHARE * weight[node]:
            break
        node = best
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag or tag in _CHROME_TAGS:
                continue
            attrs = f"{child.get('class', '')} {child.get('id', '')}"
            if attrs.strip() and _attr_kind(attrs)[0]:
                continue
            if tag in _BLOCK_TAGS and not any(
                isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in child.iterdescendants()
            ):
                text = normalise_space(" ".join(child.itertext()))
                if text:
                    out.append(text)
            else:
                walk(child)

    walk(node)
    return "\n".join(out)


# Words every paywall / teaser line holds: cheap tests before the long regexes.
_PAYWALL_HINTS = ("subscri", "reading", "member", "limit", "unlock")
_TEASER_HINTS = ("print", "paper", "app", "edition", "terminal", "magazine")


def _wall_line(low: str, after_text: bool) -> bool:
    """A paywall line, or (after some text) a teaser's pointer to the full story."""
    if any(h in low for h in _PAYWALL_HINTS) and PAYWALL_TEXT.search(low):
        return True
    return after_text and any(h in low for h in _TEASER_HINTS) and bool(TEASER_TEXT.search(low))


_LONE_LABEL = re.compile(r"^[^\W\d][\w'’&-]*(?: [\w'’&-]+){0,2}:$")
_LIST_MARKS = ("-", "•", "*", "|")
# A byline's name standing alone among the first lines of the text.
_BYLINE_LINES = 3

# A pull quote is a sentence, or a quotation: a heading or a name that also stands in a
# longer paragraph (a table of contents, a summary, a list of picks) is not one.
_SENTENCE_LIKE = re.compile(r"^[\"“'‘]|[.!?…][\"”'’)]?$")


def _clean(lines: list[str], title: str, signals: _PageSignals, author: str = "") -> list[str]:
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
        if is_boilerplate_line(para, words) or is_call_to_action(para, words):
            continue
        if words <= 40 and _wall_line(folded[para], bool(kept)):
            if kept and "subscri" in folded[para]:
                # A subscription wall after the preview: what follows it is its pitch
                # (what members get, a list of what the post goes on to say), not text.
                break
            continue
        if len(key) >= 12 and key in furniture:
            continue
        if words > 8:
            para = without_closing_invitation(para)
            folded[para] = fold(para)
            counts[para] = word_count(para)
        kept.append(para)
    # Whole stretches of the page twice over (one copy per screen size): keep the first.
    copies = repeated_runs([folded[p] for p in kept])
    kept = [p for p, copy in zip(kept, copies, strict=True) if not copy]
    # A directory of links made from one template, a list of dated posts or of bare links:
    # not part of any article.
    listed = templated_runs(kept)
    dated = dated_list_runs(kept)
    links = url_list_runs(kept)
    kept = [p for p, a, b, c in zip(kept, listed, dated, links, strict=True) if not (a or b or c)]
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
            or not _SENTENCE_LIKE.search(key)
            or joined.count(needle) <= same[key]
        ]
    for footer in (
        release_footer_start(kept),
        related_section_start(kept),
        bio_start(kept),
        author_box_start(kept, author),
        divider_footer_start(kept),
    ):
        if footer is not None:
            del kept[footer:]
    # A label opening the text with nothing it labels (not a list after it): what is left
    # of a menu or a filter box ("Locations:", "FILTER:").
    if len(kept) > 1 and _LONE_LABEL.match(kept[0]) and not kept[1].startswith(_LIST_MARKS):
        kept = kept[1:]
    # The byline split from its article: the author's name alone on one of the first lines.
    names = {fold(n) for n in author_names(author)}
    if names:
        kept = [
            p
            for i, p in enumerate(kept)
            if i >= _BYLINE_LINES
            or folded.get(p, fold(p)).lstrip("-•*· ").strip(" .,") not in names
        ]
    # Author bios, sign-offs, calls to action, paragraphs that are only a link elsewhere and
    # a heading left without its section sit at the end; trim them there only. (One
    # heading: a run of short lines at the end may be a list the article closes on.)
    heading = True
    while kept and (
        folded.get(kept[-1]) in signals.link_paragraphs
        or is_bio(kept[-1])
        or is_boilerplate_line(kept[-1], counts[kept[-1]])
        or is_call_to_action(kept[-1], counts[kept[-1]], closing=True)
        or (heading and is_dangling_heading(kept[-1], counts[kept[-1]]))
    ):
        if heading and is_dangling_heading(kept[-1], counts[kept[-1]]):
            heading = False
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
    # Elements come in document order, and collected blocks don't overlap: an element
    # lies inside an earlier block only if it lies inside the latest one, which its path
    # (computed in C) tells without a Python walk up its ancestors.
    paths = tree.getroottree().getpath
    last_block = ""
    for el in _FURNITURE_XPATH(tree):
        get = el.get
        furniture, paywall, inline, post_list = _attr_kind(get("class", ""))
        if get("id"):
            # Looked up apart: classes repeat across a site and stay cached, ids are unique.
            by_id = _attr_kind(get("id"))
            furniture, paywall, inline, post_list = (
                furniture or by_id[0],
                paywall or by_id[1],
                inline or by_id[2],
                post_list or by_id[3],
            )
        if paywall:
            signals.paywall_element = True
        if inline or get("role") == "tooltip":
            # Short ones only: a container whose class happens to match holds the article.
            # A tooltip inside a sentence (a glossary term's definition) may run longer.
            tooltip = get("role") == "tooltip" or "tooltip" in get("class", "").lower()
            limit = _TOOLTIP_WORDS if tooltip and _in_sentence(el) else 30
            if _words_at_most(el, limit):
                glued.append(el)
        if not (el.tag == "figcaption" or furniture or inline or post_list):
            continue
        path = paths(el)
        if last_block and path.startswith(last_block):
            continue  # its text is already in its furniture ancestor's (nested blocks)
        # A huge "furniture" block is a wrapper around the article: ignore it (read no
        # further than the limit: such wrappers can hold the whole page, and nest).
        text = _text_up_to(el, 4000)
        if text and word_count(text) <= 250:
            signals.furniture.append(fold(text))
            last_block = path + "/"
        elif post_list and el.find(".//h1") is None:
            # (A wrapper named so would hold the article's headline.)
            # A list of other posts is long and named for what it is: read it whole.
            text = _text_up_to(el, _POST_LIST_CHARS)
            if text:
                signals.furniture.append(fold(text))
                last_block = path + "/"
    for el in glued:
        remove_keeping_tail(el)
    signals.furniture.extend(_promo_banners(tree))
    signals.link_paragraphs = _link_paragraphs(tree)
    return signals


# A paragraph whose whole text is one link (the C side compares the texts).
_LINK_PARAGRAPHS = etree.XPath(
    "//body//p[count(.//a) = 1 and normalize-space(.) = normalize-space(.//a)]"
)
# Shorter ones are a source's name or a bare address closing a list of sources: the
# article's own (a cut at three words or fewer cost half B).
_LINK_PARAGRAPH_WORDS = 4


def _link_paragraphs(tree: etree._Element) -> set[str]:
    """Folded texts of paragraphs that are a link of a few words and nothing else: closing
    the article, they point elsewhere ("Meet us at the summit in May", another post's
    title) rather than say anything of their own."""
    found: set[str] = set()
    for p in _LINK_PARAGRAPHS(tree):
        text = normalise_space(" ".join(p.itertext()))
        if word_count(text) >= _LINK_PARAGRAPH_WORDS:
            found.add(fold(text))
    return found


# Links and buttons short enough to be a button label, and not a menu item or a link in
# a sentence (the C side filters; Python tests only the few left).
# A button whose label is only its aria-label (the visible words drawn beside it, in a
# sibling) counts by that label.
_BUTTONS = etree.XPath(
    "//body//*[(self::a or self::button) and not(parent::li or parent::p or ancestor::nav)"
    " and ((string-length(normalize-space(.)) < 48 and string-length(normalize-space(.)) > 5)"
    " or (normalize-space(.) = '' and string-length(@aria-label) > 5"
    " and string-length(@aria-label) < 48))]"
)
# A promo banner: a headline and an offer button, and little else.
_BANNER_WORDS = 50
# Where a button stands in running text, not in a box of its own.
_TEXT_TAGS = frozenset(("p", "li", "td", "th", "dd", "blockquote", "span", "em", "strong", "b"))


def _promo_banners(tree: etree._Element) -> list[str]:
    """Folded texts of promo banners: the smallest box around an offer button ("Book a
    demo", "Learn more") that holds more than the button, when that box is short. Its
    headline ("Scale your training with Acme!") otherwise reaches the text as a line of
    its own. A button inside a sentence or a list item is a link in the article: left."""
    found: list[str] = []
    for button in _BUTTONS(tree):
        label = normalise_space(" ".join(button.itertext()) or button.get("aria-label", ""))
        if not is_offer_button(label):
            continue
        node = button
        for _ in range(6):
            parent = node.getparent()
            if parent is None or parent.tag in ("body", "html", "main", "article"):
                break
            text = _text_up_to(parent, _BANNER_WORDS * 12)
            if text is None:
                break
            if len(text) > len(label) + 2:
                if parent.tag not in _TEXT_TAGS and word_count(text) <= _BANNER_WORDS:
                    found.append(fold(text))
                break
            node = parent
    return found


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


def _text_up_to(el: etree._Element, limit: int) -> str | None:
    """`el`'s text with spaces normalised, or None when it is longer than `limit`
    characters; reads no more of a long block than it must."""
    parts: list[str] = []
    size, check = 0, limit
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > check:  # raw text runs long; whitespace aside, does it still?
            if len(normalise_space(" ".join(parts))) > limit:
                return None
            check = size * 2
    text = normalise_space(" ".join(parts))
    return text if len(text) <= limit else None


def _words_over(el: etree._Element, limit: int) -> bool:
    text = _text_up_to(el, limit * 40)
    return text is None or word_count(text) > limit


_TOOLTIP_WORDS = 120


def _in_sentence(el: etree._Element) -> bool:
    """Inside a paragraph or list item, with text around it: part of running text."""
    return any(a.tag in ("p", "li") for a in el.iterancestors())


def _words_at_most(el: etree._Element, limit: int) -> bool:
    text = _text_up_to(el, limit * 40)
    return text is not None and word_count(text) <= limit


# Names of a list of other posts (teaser cards), which can run to thousands of words.
_POST_LIST_ATTR = re.compile(
    r"(?:^|[\s_-])(?:post-?list|posts-?(?:list|grid|feed)|(?:recent|latest|more|related)-?"
    r"(?:posts|articles|stories))(?=$|[\s_-])",
)
_POST_LIST_CHARS = 20000


@functools.lru_cache(maxsize=4096)
def _attr_kind(attrs: str) -> tuple[bool, bool, bool, bool]:
    """(furniture?, paywall?, glued furniture?, list of posts?) for a class or id value;
    sites repeat the same few thousand. (Lower-cased first: case-blind matching took three
    times as long, on tens of thousands of distinct values a page set.)"""
    if not attrs:
        return False, False, False, False
    attrs = attrs.lower()
    return (
        bool(_FURNITURE_ATTR.search(attrs)),
        bool(_PAYWALL_ATTR.search(attrs)),
        bool(_GLUED_ATTR.search(attrs)),
        bool(_POST_LIST_ATTR.search(attrs)),
    )
