"""Title, author, date, language, image and canonical URL of an article page.

The page's own declarations (Open Graph, JSON-LD, <link rel=canonical>, <html lang>) come
first: they are more exact than heuristics (full timestamps rather than dates). The title
is the article's visible headline (its <h1>) when it has one, else its declared headline
with the site's name cut off; the source's casing is kept. Dates that cannot be a news
article's (before 1990, more than a day ahead, the 0001-01-01 placeholder) are no date,
so the pipeline's fallbacks (the feed's date, then first seen) apply.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_metainfo,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params
from trafilatura.utils import line_processing

from retold.ingest.clean import normalise_space
from retold.ingest.urls import safe_http_url
from retold.text.words import words as word_tokens

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before the web had news pages
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—•·:»/]\s+|\s+::\s+")
_ALNUM = re.compile(r"[^\w]+")


def page_metadata(tree: etree._Element, url: str) -> dict[str, object]:
    """What the page declares about itself; keys: title, author, date, language,
    site_name, image, canonical."""
    props: dict[str, str] = {}
    for m in tree.iterfind(".//meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = m.get("content")
        if key and value and key not in props:
            props[key] = value.strip()
    jsonld = _jsonld_article(tree)
    out: dict[str, object] = {}

    out["site_name"] = normalise_space(
        props.get("og:site_name") or props.get("application-name") or ""
    )
    declared = props.get("og:title") or props.get("twitter:title") or _str(jsonld.get("headline"))
    title_el = tree.find(".//title")
    page_title = normalise_space(" ".join(title_el.itertext())) if title_el is not None else ""
    out["title"] = choose_title(
        _h1s(tree), normalise_space(declared), page_title, str(out["site_name"]), url
    )

    author = (
        props.get("author")
        or props.get("article:author")
        or props.get("byl")
        or _jsonld_author(jsonld)
    )
    if author and not author.startswith(("http://", "https://")):
        out["author"] = clean_author(author)

    shown = parse_date(_time_element(tree))
    for raw in (
        props.get("article:published_time"),
        _str(jsonld.get("datePublished")),
        props.get("date"),
        props.get("dc.date"),
        props.get("datepublished"),
        props.get("pubdate"),
    ):
        date = parse_date(raw or "")
        if date is not None:
            out["date"] = date
            break
    if shown is not None:
        # The date a reader sees (the first <time datetime>) decides between the declared
        # ones: a page that shows its update date presents itself as of that date.
        modified = (
            parse_date(raw or "")
            for raw in (props.get("article:modified_time"), _str(jsonld.get("dateModified")))
        )
        if "date" not in out or any(m and m.date() == shown.date() for m in modified):
            out["date"] = shown

    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if not lang:
        lang = (
            props.get("content-language") or props.get("og:locale") or props.get("language") or ""
        )
    out["language"] = re.split(r"[-_]", lang.strip())[0].lower() if lang.strip() else ""

    image = props.get("og:image") or props.get("twitter:image") or _jsonld_image(jsonld)
    out["image"] = (safe_http_url(image, url) or "") if image else ""  # never javascript:/data:

    canonical = ""
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href", "")
            break
    canonical = canonical or props.get("og:url", "")
    out["canonical"] = (safe_http_url(canonical.strip(), url) or "") if canonical else ""
    return out


def fill_metadata(meta: dict[str, object], tree: etree._Element, url: str) -> None:
    """Fill what the page did not declare with trafilatura's heuristics (slower).

    Only the heuristics for what is missing run: trafilatura's whole metadata pass also
    searches for a date, an author, categories, tags and a licence whatever the page
    declared, which cost as much as its text extraction on real pages.
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # trafilatura's own rule: one-word "authors" are handles
    wanted = [key for key in ("title", "author") if not meta.get(key)]
    if any(not getattr(found, key) for key in wanted) or not meta.get("date"):
        # Its JSON-LD reader overrides the meta tags (an article's reviewers become its
        # authors): read only where they leave a field empty, or for the date's page URL.
        with contextlib.suppress(Exception):  # it fails on odd graphs
            found = extract_meta_json(tree, found)
    if not meta.get("title"):
        title = _trimmed(found.title or extract_title(tree))
        if title:
            meta["title"] = normalise_space(title)
    if not meta.get("author"):
        author = _trimmed(found.author or _byline_author(tree))
        if author:
            meta["author"] = clean_author(author)
    if not meta.get("date"):
        page_url = found.url or extract_url(tree, url)
        date = find_date(tree, **{**set_date_params(False), "url": page_url})
        if date:
            meta["date"] = parse_date(date)
    if not meta.get("site_name"):
        site = _trimmed(found.sitename or extract_sitename(tree)).lstrip("@")
        if site:
            meta["site_name"] = normalise_space(
                site if "." in site or site[0].isupper() else site.title()
            )
    if not meta.get("image") and found.image:
        meta["image"] = safe_http_url(_trimmed(found.image), url) or ""


def _trimmed(value: str | None) -> str:
    """A metadata string as trafilatura hands it back: entities decoded, spaces trimmed."""
    return line_processing(html.unescape(value[:10000])) or "" if value else ""


def _having(
    attr: str,
    *,
    equal: tuple[str, ...] = (),
    contains: tuple[str, ...] = (),
    starts: tuple[str, ...] = (),
) -> str:
    """XPath for the `attr` attributes equal to, containing or starting with a literal."""
    tests = (
        [f". = '{x}'" for x in equal]
        + [f"contains(., '{x}')" for x in contains]
        + [f"starts-with(., '{x}')" for x in starts]
    )
    return f"//@{attr}[{' or '.join(tests)}]"


def _owners(tags: str, *attributes: str) -> str:
    """XPath for the elements (of these tags, any where "") owning one of these attributes."""
    return f"({' | '.join(attributes)})/parent::*" + (f"[{tags}]" if tags else "")


# trafilatura's byline search (metadata.extract_author), its XPaths written the way libxml2
# runs them fast. Its //*[contains(@class, …) or …] converts an element's attribute to a
# string once per test, for every element, and its EXSLT re:test() calls back into Python;
# selecting the attributes themselves (//@class[contains(., …)]/parent::*) reads each once.
# Its re:test() patterns are alternations of literals, which contains() and starts-with()
# say as well. The same elements in the same order, at half the cost (trafilatura's own
# pass cost a tenth of all extraction time).
_BYLINE_TAGS = "self::a or self::div or self::h3 or self::h4 or self::p or self::span"
_AUTHOR_XPATHS = [
    etree.XPath(
        _owners(
            "self::a or self::address or self::div or self::link or self::p or self::span"
            " or self::strong",
            _having("rel", equal=("author",)),
            _having("id", equal=("author",)),
            _having(
                "class",
                equal=("author",),
                contains=("author-name", "authorname", "AuthorName", "authorName"),
            ),
            _having("itemprop", equal=("author name",)),
            _having("data-testid", equal=("AuthorCard", "AuthorURL")),
            "//rel[. = 'me']",  # (sic: trafilatura tests a child element named rel)
        )
        + " | //author"
    ),
    etree.XPath(
        _owners(
            _BYLINE_TAGS,
            _having("itemprop", contains=("author",)),
            _having("id", contains=("author", "zuozhe", "bianji", "xiaobian")),
            _having(
                "class",
                equal=("byline", "username", "byl", "BBL"),
                contains=(
                    *("author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by"),
                    *("posted-by", "journalist-name"),
                ),
            ),
        )
    ),
    etree.XPath(
        _owners(
            "",
            _having("data-component", contains=("Byline",)),
            _having("itemprop", contains=("author",)),
            _having("id", contains=("Author", "author")),
            _having(
                "class", contains=("Author", "author", "screenname", "writer", "Byline", "byline")
            ),
        )
    ),
]
_AUTHOR_DISCARD_XPATHS = [
    etree.XPath(
        _owners(
            "self::a or self::div or self::section or self::span",
            _having(
                "id",
                contains=("comment-list", "commentlist", "ProductReviews"),
                starts=("comments",),
            ),
            _having(
                "class",
                equal=("comments", "title", "date"),
                contains=(
                    *("commentlist", "comments-list", "sidebar", "is-hidden", "quote"),
                    *("embedly-instagram", "article-share", "article-support", "print"),
                    *("category", "meta-date", "meta-reviewer"),
                ),
                starts=("Comments", "comments"),
            ),
            _having("data-component", contains=("Figure",)),
        )
    ),
    etree.XPath("//time|//figure"),
]


def _byline_author(tree: etree._Element) -> str | None:
    """The author named in a byline element, outside comments, sidebars and figures."""
    subtree = prune_unwanted_nodes(copy.deepcopy(tree), _AUTHOR_DISCARD_XPATHS)
    author = extract_metainfo(subtree, _AUTHOR_XPATHS, len_limit=120)
    return normalize_authors(None, author) if author else None


# --- title ---------------------------------------------------------------------------


def choose_title(h1s: list[str], declared: str, page_title: str, site: str, url: str) -> str:
    """The article's headline, as the page writes it.

    The visible <h1> is what a reader sees as the headline; declared titles (og:title,
    JSON-LD) and <title> often carry the site's name or an SEO rewording. An <h1> that is
    only the site's name (a logo) does not count.
    """
    h1s, declared, page_title = (
        [_unescaped(h) for h in h1s],
        _unescaped(declared),
        _unescaped(page_title),
    )
    fallbacks = [strip_site_name(t, site, url) for t in (declared, page_title)]
    # (A declared title of one word, "Home" or "T", is no headline to check against.)
    named = [t for t in fallbacks if len(t.split()) >= 2 and not _is_site_name(t, site, url)]
    candidates = [
        h1
        for h1 in h1s
        if len(h1.split()) >= 2 and len(h1) <= 300 and not _is_site_name(h1, site, url)
    ]
    if named:
        # Where the page declares its title, the headline is the <h1> that agrees with it;
        # short ones that don't are the blog's name, a section or a menu set as <h1>. A
        # longer one that doesn't is the headline all the same (the declared title is
        # reworded for search engines).
        agreeing = [h1 for h1 in candidates if any(_agrees(h1, t) for t in named)]
        candidates = agreeing or [h1 for h1 in candidates[:1] if len(h1.split()) >= HEADLINE_WORDS]
    for h1 in candidates:
        if h1.isupper():
            # Capitals set by the template (or by CSS in another page's copy): a
            # declared title with the same words keeps the source's own casing.
            same = [t for t in fallbacks if t.casefold() == h1.casefold()]
            return same[0] if same else h1
        return h1
    for stripped in fallbacks:
        if stripped and not _is_site_name(stripped, site, url):
            return stripped
    return declared or page_title


# A headline this long that disagrees with the declared title is still the headline.
HEADLINE_WORDS = 6
# An <h1> agrees with a declared title when half the words of the shorter are in the other.
TITLE_AGREEMENT = 0.5


def _agrees(h1: str, declared: str) -> bool:
    a, b = set(word_tokens(h1)), set(word_tokens(declared))
    if not a or not b:
        return False
    return len(a & b) >= TITLE_AGREEMENT * min(len(a), len(b))


# A character reference left in the text after parsing: the page escaped it twice.
_LEFT_ESCAPED = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|amp|quot|apos|lt|gt|nbsp);", re.I)


def _unescaped(text: str) -> str:
    return html.unescape(text) if "&" in text and _LEFT_ESCAPED.search(text) else text


def strip_site_name(title: str, site: str, url: str) -> str:
    """`title` without a leading or trailing "| Site Name" part."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATOR.findall(title)
    if _is_site_name(parts[-1], site, url):
        return title[: len(title) - len(parts[-1]) - len(seps[-1])].strip()
    if _is_site_name(parts[0], site, url):
        return title[len(parts[0]) + len(seps[0]) :].strip()
    return title


def _is_site_name(text: str, site: str, url: str) -> bool:
    key = _ALNUM.sub("", text.casefold())
    if not key:
        return True
    if site and key == _ALNUM.sub("", site.casefold()):
        return True
    host = (urlsplit(url).hostname or "").casefold().removeprefix("www.")
    labels = [label for label in host.split(".") if len(label) > 2][:-1] or host.split(".")[:1]
    host_key = _ALNUM.sub("", host)
    # "Move.org" for move.org, "Google Cloud" for cloud.google.com, "Tarkett" for tarkett.com
    words = [_ALNUM.sub("", w) for w in text.casefold().split()]
    return len(words) <= 4 and (
        key in host_key
        or any(label == key for label in labels)
        or all(w in host_key for w in words if w)
    )


def _h1s(tree: etree._Element) -> list[str]:
    heads = []
    for h1 in tree.iterfind(".//body//h1"):
        text = normalise_space(" ".join(h1.itertext()))
        if text:
            heads.append(text)
    return heads


# --- author and date -----------------------------------------------------------------


# What templates print where no author was set, and a date glued after the name.
_NO_AUTHOR = re.compile(
    r"^(?:written by|posted by|by|author|the author|admin|administrator|undefined|null|none|"
    r"unknown|anonymous|guest)$",
    re.IGNORECASE,
)
_AFTER_NAME = re.compile(
    r"\s+(?:last updated|updated|published|posted)\b.*$|\s+on\s+(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d.*$",
    re.IGNORECASE,
)
# A login handle, not a name: one token, lower case, with digits, dots, hyphens or
# underscores ("jsmith-news", "editor.k", "mdlq6vkp2"), or one lower-case word (bylines are
# written capitalised).
_HANDLE = re.compile(r"^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+$|^[a-z]+\d[a-z0-9]*$|^[a-z]{6,}$")


# A month glued after the name by a byline that runs on into its date ("Ann Lee December").
# Only after two words of name, and not months that are surnames too (May, March, June,
# August): "Theresa May" keeps hers. A month alone is no author.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar|apr(?:il)?|jul|aug|sep(?:t(?:ember)?)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?)\.?"
)
_A_MONTH = re.compile(_MONTH, re.IGNORECASE)
# Not a name at all: an e-mail address, a number (an account id), a form label.
_NOT_A_NAME = re.compile(r"^\S+@\S+$|^[\d\W]+$|^(?:name|your name|webmaster)$", re.IGNORECASE)


def clean_author(author: str) -> str:
    author = normalise_space(author)
    author = re.sub(r"^(?:by|written by|author)\s*:?\s+", "", author, flags=re.IGNORECASE)
    author = _AFTER_NAME.sub("", author).strip(" ,;|")
    words = author.split()
    if words and _A_MONTH.fullmatch(words[-1]) and len(words) != 2:
        author = " ".join(words[:-1])
    # Several people (or a person and their outlet) are listed with commas; placeholders
    # among them go.
    parts = [p for p in re.split(r"\s*;\s*", author) if p]
    parts = [p for p in parts if not (_NO_AUTHOR.match(p) or _NOT_A_NAME.match(p))]
    author = ", ".join(parts)
    if _HANDLE.match(author):
        return ""
    return author


def parse_date(raw: str, now: datetime | None = None) -> datetime | None:
    """An ISO 8601 date or timestamp, or None when missing or impossible for an article."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if parsed < EARLIEST or parsed > now + timedelta(days=1):
        return None  # 0001-01-01 placeholders, typos, clocks set wrong
    return parsed


def _time_element(tree: etree._Element) -> str:
    el = tree.find(".//time[@datetime]")
    return el.get("datetime", "") if el is not None else ""


# --- JSON-LD -------------------------------------------------------------------------


def _jsonld_article(tree: etree._Element) -> dict[str, object]:
    """The first schema.org *Article object in the page's JSON-LD, if any, with its author
    resolved where it is only a reference ({"@id": …}) to a Person elsewhere in the graph
    (as Yoast and Rank Math write it)."""
    article: dict[str, object] = {}
    by_id: dict[str, dict[str, object]] = {}
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
                if isinstance(node.get("@id"), str) and len(node) > 1:
                    by_id.setdefault(node["@id"], node)
                kind = node.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if not article and any(
                    isinstance(k, str) and k.endswith(("Article", "BlogPosting", "Report"))
                    for k in kinds
                ):
                    article = node
                if "@graph" in node:
                    stack.append(node["@graph"])
    author = article.get("author")
    if article and author is not None:
        people = author if isinstance(author, list) else [author]
        resolved = [
            by_id.get(p["@id"], p) if isinstance(p, dict) and "name" not in p and "@id" in p else p
            for p in people
        ]
        article = {**article, "author": resolved}
    return article


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


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
