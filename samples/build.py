#!/usr/bin/env python3
"""Build the bundled sample newsroom from its hand-written story files.

Reads ``samples/stories/<outlet>/<slug>.md`` (and the later edition in
``samples/stories-updated/``) and writes realistic publisher pages, feeds, an
OPML subscription list and ``MANIFEST.json``. Standard library only, and the
output is byte-for-byte deterministic so it can be committed and checked.

Usage::

    python samples/build.py              # write into samples/
    python samples/build.py --out DIR    # write into DIR instead
    python samples/build.py --check      # exit 1 if the committed files are stale

Every absolute URL uses the literal placeholder ``__BASE__``; the demo server
replaces it with its own ``http://127.0.0.1:PORT`` when it serves text files.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

BASE = "__BASE__"
SAMPLES = Path(__file__).resolve().parent
KINDS = ("full", "teaser", "paywall")
REQUIRED = ("title", "author", "date", "topic", "kind", "summary")


class SampleError(Exception):
    """A story file is malformed; the message is one sentence for the user."""


# --------------------------------------------------------------------------- stories


@dataclass(frozen=True)
class Story:
    outlet: str
    slug: str
    title: str
    author: str
    date: datetime
    topic: str
    kind: str
    summary: str
    paragraphs: tuple[str, ...]
    image: str = ""
    caption: str = ""
    event: str | None = None
    wire_of: str | None = None
    updated: datetime | None = None

    @property
    def path(self) -> str:
        return f"/{self.outlet}/news/{self.slug}.html"

    @property
    def url(self) -> str:
        return BASE + self.path

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def parse_story(path: Path, outlet: str) -> Story:
    """Parse one ``.md`` story file (simple ``key: value`` front matter, blank-line paragraphs)."""
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", raw, re.S)
    if not match:
        raise SampleError(f"{path} does not start with a '---' front matter block.")
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise SampleError(f"{path}: front matter line {line!r} has no 'key: value' form.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        meta[key.strip()] = value
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise SampleError(f"{path} is missing front matter: {', '.join(missing)}.")
    if meta["kind"] not in KINDS:
        raise SampleError(f"{path}: kind must be one of {', '.join(KINDS)}, not {meta['kind']!r}.")
    paragraphs = tuple(
        " ".join(block.split()) for block in re.split(r"\n\s*\n", match.group(2)) if block.strip()
    )
    if not paragraphs:
        raise SampleError(f"{path} has no body text.")
    return Story(
        outlet=outlet,
        slug=path.stem,
        title=meta["title"],
        author=meta["author"],
        date=_parse_date(meta["date"], path),
        topic=meta["topic"].lower(),
        kind=meta["kind"],
        summary=meta["summary"],
        paragraphs=paragraphs,
        image=meta.get("image", ""),
        caption=meta.get("caption", ""),
        event=meta.get("event") or None,
        wire_of=meta.get("wire_of") or None,
        updated=_parse_date(meta["updated"], path) if meta.get("updated") else None,
    )


def _parse_date(value: str, path: Path) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SampleError(f"{path}: {value!r} is not an ISO 8601 date.") from None
    if parsed.tzinfo is None:
        raise SampleError(f"{path}: the date {value!r} needs a UTC offset such as +00:00.")
    return parsed


def load_stories(root: Path) -> dict[str, list[Story]]:
    """All stories under ``root`` by outlet, newest first (ties broken by slug)."""
    found: dict[str, list[Story]] = {}
    if not root.is_dir():
        return found
    for outlet_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        stories = [parse_story(p, outlet_dir.name) for p in sorted(outlet_dir.glob("*.md"))]
        stories.sort(key=lambda s: (-s.date.timestamp(), s.slug))
        if stories:
            found[outlet_dir.name] = stories
    return found


# --------------------------------------------------------------------------- helpers


def e(text: str) -> str:
    return html.escape(text, quote=True)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rng_for(*parts: str) -> random.Random:
    """A random generator seeded from text, so 'random' boilerplate is stable across runs."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def rfc822(dt: datetime) -> str:
    return format_datetime(dt)


def rfc3339(dt: datetime) -> str:
    return dt.isoformat()


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[“\"A-Z0-9])", text) if s]


def teaser_text(story: Story) -> str:
    """Two or three opening sentences: what a teaser page shows instead of the story."""
    chosen: list[str] = []
    for sentence in (s for p in story.paragraphs[:2] for s in sentences(p)):
        chosen.append(sentence)
        if len(chosen) >= 3 or (len(chosen) >= 2 and sum(len(c.split()) for c in chosen) > 35):
            break
    return " ".join(chosen)


def first_quote(story: Story) -> str:
    """The first direct quote in the body, for pull-quote boilerplate."""
    for paragraph in story.paragraphs:
        match = re.search(r"[“\"]([^”\"]{40,220})[”\"]", paragraph)
        if match:
            return match.group(1).strip()
    return ""


def read_minutes(story: Story) -> int:
    return max(1, round(story.words / 230))


def others(story: Story, pool: list[Story], count: int, offset: int = 0) -> list[Story]:
    """Other stories of the same outlet, rotated so each page gets a different selection."""
    rest = [s for s in pool if s.slug != story.slug]
    if not rest:
        return []
    start = (pool.index(story) + offset) % len(rest) if story in pool else offset % len(rest)
    rotated = rest[start:] + rest[:start]
    return rotated[:count]


def section_name(topic: str) -> str:
    return topic.replace("-", " ").title()


COMMENTERS = (
    "Hanne_from_Quayside",
    "Piet Vermaal",
    "Northbank Nan",
    "R. Okonkwo",
    "ferryfan1962",
    "Liesl Darrow",
    "Marten K",
    "TheOtherTobias",
    "Greta Halvorsen",
    "old_salt",
    "Ines Corbel",
    "Callow Valley Grower",
    "J. Whitlock",
    "Sunniva",
    "DockRoadDave",
    "Ada Munroe",
    "M. Falk",
    "Kestrel",
    "Harrowmere Exile",
    "Bea Thornquist",
    "Lukas Penhale",
    "Nora Vik",
    "Westgate Resident",
    "Frieda O.",
    "commuter_no_more",
)
COMMENT_TEXTS = (
    "Finally some proper reporting on this. Thank you.",
    "I have lived here for forty years and I have never seen it this bad.",
    "Who is actually going to pay for all of this? We are, as usual.",
    "Does anyone know whether this affects the east bank as well?",
    "Good news for once. Credit where it is due.",
    "The council knew about this years ago and did nothing.",
    "My brother works there and says the real figures are worse.",
    "Can we please have a follow-up in six months to see if any of it happened?",
    "Interesting article, but it would have been nice to hear from the other side too.",
    "This is what happens when nobody plans ahead.",
    "Well written, though the headline oversells it a bit.",
    "Same story every winter. Nothing ever changes.",
    "Shared this with my neighbours, we had no idea.",
    "Typo in the fourth paragraph, otherwise spot on.",
    "I'll believe it when I see it.",
    "Sensible decision, even if it hurts in the short term.",
    "Why is this behind a sign-in wall on the app but not here?",
    "Spoke to them at the market on Saturday, lovely people, hope it works out.",
    "The comments section is more informative than the article, as usual.",
    "Thirty years in this city and this is the first time I've agreed with the mayor.",
)


@dataclass(frozen=True)
class Comment:
    name: str
    when: datetime
    text: str
    likes: int


def comments_for(story: Story) -> list[Comment]:
    rng = rng_for("comments", story.outlet, story.slug)
    count = rng.randint(3, 5)
    names = rng.sample(COMMENTERS, count)
    texts = rng.sample(COMMENT_TEXTS, count)
    when = story.date
    result = []
    for name, text in zip(names, texts, strict=True):
        when = when + timedelta(minutes=rng.randint(9, 190))
        result.append(Comment(name, when, text, rng.randint(0, 48)))
    return result


BIO_ROLES = ("reporter", "senior reporter", "correspondent", "staff writer", "news editor")


def bio_for(story: Story, outlet_name: str) -> str:
    rng = rng_for("bio", story.outlet, story.author)
    role = rng.choice(BIO_ROLES)
    years = rng.randint(3, 21)
    return (
        f"{story.author} is a {role} at {outlet_name}, where they have worked for {years} years. "
        f"Got a story? Email {slugify(story.author).replace('-', '.')}@"
        f"{story.outlet.replace('-', '')}.example or message the newsdesk in confidence."
    )


def image_url(story: Story) -> str:
    return BASE + story.image if story.image.startswith("/") else story.image


def share_links(story: Story) -> list[tuple[str, str]]:
    url = quote(story.url, safe="_/:")
    text = quote(story.title)
    return [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        ("X", f"https://x.com/intent/post?url={url}&amp;text={text}"),
        ("WhatsApp", f"https://wa.me/?text={text}%20{url}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={url}"),
        ("Email", f"mailto:?subject={text}&amp;body={url}"),
    ]


def head(story: Story, site_name: str, stylesheet: str, extra: str = "") -> str:
    """The ``<head>`` all outlets share in substance (their markup differs below it)."""
    modified = (
        f'\n<meta property="article:modified_time" content="{rfc3339(story.updated)}">'
        if story.updated
        else ""
    )
    image = (
        f'\n<meta property="og:image" content="{e(image_url(story))}">'
        f'\n<meta name="twitter:image" content="{e(image_url(story))}">'
        if story.image
        else ""
    )
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(story.title)} | {e(site_name)}</title>
<meta name="description" content="{e(story.summary)}">
<meta name="author" content="{e(story.author)}">
<meta name="robots" content="index, follow, max-image-preview:large">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(site_name)}">
<meta property="og:title" content="{e(story.title)}">
<meta property="og:description" content="{e(story.summary)}">
<meta property="og:url" content="{story.url}">{image}
<meta name="twitter:card" content="summary_large_image">
<meta property="article:published_time" content="{rfc3339(story.date)}">{modified}
<meta property="article:section" content="{e(section_name(story.topic))}">
<meta property="article:author" content="{e(story.author)}">
<link rel="canonical" href="{story.url}">
<link rel="stylesheet" href="/{story.outlet}/static/{stylesheet}">{extra}
</head>"""


def json_ld(story: Story, site_name: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.summary,
        "datePublished": rfc3339(story.date),
        "dateModified": rfc3339(story.updated or story.date),
        "author": [{"@type": "Person", "name": story.author}],
        "publisher": {"@type": "Organization", "name": site_name},
        "mainEntityOfPage": story.url,
        "isAccessibleForFree": story.kind == "full",
    }
    if story.image:
        data["image"] = [image_url(story)]
    body = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'\n<script type="application/ld+json">\n{body}\n</script>'


def paragraphs_html(paras: Iterable[str], css: str = "") -> list[str]:
    attr = f' class="{css}"' if css else ""
    return [f"<p{attr}>{e(p)}</p>" for p in paras]


def visible_paragraphs(story: Story) -> list[str]:
    """What the page may show of the body: everything, two paragraphs, or a teaser."""
    if story.kind == "paywall":
        return list(story.paragraphs[:2])
    if story.kind == "teaser":
        return [teaser_text(story)]
    return list(story.paragraphs)


def interleave(blocks: list[str], inserts: dict[int, str]) -> str:
    """Put boilerplate blocks after the given paragraph numbers (1-based) if there are enough."""
    out: list[str] = []
    for number, block in enumerate(blocks, start=1):
        out.append(block)
        if number in inserts and number < len(blocks):
            out.append(inserts[number])
    return "\n".join(out)


# --------------------------------------------------------------------------- outlets


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    description: str
    feeds: tuple[tuple[str, str], ...]  # (format, file name)
    render: Callable[[Story, list[Story]], str]

    @property
    def home(self) -> str:
        return f"{BASE}/{self.key}/"


# ---- The Harbour Gazette: a classic broadsheet with semantic markup


def render_gazette(story: Story, pool: list[Story]) -> str:
    site = "The Harbour Gazette"
    read_more = others(story, pool, 2, offset=1)
    inserts: dict[int, str] = {}
    if read_more:
        inserts[3] = (
            f'<p class="read-more"><strong>Read more:</strong> '
            f'<a href="{read_more[0].url}">{e(read_more[0].title)}</a></p>'
        )
    inserts[5] = (
        '<aside class="ad ad-inline" data-slot="hg_article_mid">'
        '<span class="ad-label">Advertisement</span>'
        '<a href="https://ads.example/click?c=hg-4471" rel="sponsored">Quayside Motors: free '
        "winter tyre check with every service booked before Christmas.</a></aside>"
    )
    if len(read_more) > 1:
        inserts[7] = (
            f'<p class="read-more"><strong>Read more:</strong> '
            f'<a href="{read_more[1].url}">{e(read_more[1].title)}</a></p>'
        )
    body = paragraphs_html(visible_paragraphs(story))
    if story.kind == "teaser":
        body.append(
            '<div class="print-only-notice"><p><strong>The full story is in today’s print '
            "edition of The Harbour Gazette and in the Gazette app.</strong></p>"
            '<p><a class="button" href="/harbour-gazette/subscribe.html">Get the paper '
            'delivered</a> <a class="button" href="/harbour-gazette/app.html">Download the '
            "app</a></p></div>"
        )
    if story.kind == "paywall":
        body.append(_subscribe_wall(site, "/harbour-gazette/subscribe.html"))
    shares = " ".join(
        f'<a class="share share-{slugify(n)}" href="{u}">{n}</a>' for n, u in share_links(story)
    )
    related = "\n".join(
        f'<li><a href="{s.url}">{e(s.title)}</a> <span class="when">{s.date:%d %b %Y}</span></li>'
        for s in others(story, pool, 4, offset=3)
    )
    most_read = "\n".join(
        f'<li><a href="{s.url}">{e(s.title)}</a></li>' for s in others(story, pool, 5, offset=0)
    )
    comments = comments_for(story)
    comment_html = "\n".join(
        f'<li class="comment"><p class="comment-meta"><strong>{e(c.name)}</strong> '
        f'<time datetime="{rfc3339(c.when)}">{c.when:%d %B %Y, %H:%M}</time></p>'
        f"<p>{e(c.text)}</p>"
        f'<p class="comment-actions">Reply · Report · {c.likes} likes</p></li>'
        for c in comments
    )
    figure = (
        f'<figure class="lead-image"><img src="{e(image_url(story))}" alt="{e(story.caption)}" '
        f'width="1200" height="675" loading="eager"><figcaption>{e(story.caption)}'
        "</figcaption></figure>"
        if story.image
        else ""
    )
    updated = (
        f' <span class="updated">Updated <time datetime="{rfc3339(story.updated)}">'
        f"{story.updated:%A %d %B %Y, %H:%M}</time></span>"
        if story.updated
        else ""
    )
    section = section_name(story.topic)
    extra = (
        json_ld(story, site)
        + '\n<link rel="alternate" type="application/rss+xml" title="The Harbour Gazette" '
        f'href="{BASE}/harbour-gazette/rss.xml">'
        "\n<script>window.hgAds=window.hgAds||[];hgAds.push({slot:'leaderboard'},"
        "{slot:'mpu'});</script>"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{head(story, site, "gazette.css", extra)}
<body class="article-page section-{slugify(section)}">
<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookie consent">
<p>We use cookies and similar technologies to personalise content and adverts, to provide social \
media features and to analyse our traffic. By clicking “Accept all” you agree to our use of \
cookies. Read our <a href="/harbour-gazette/cookies.html">cookie policy</a>.</p>
<button type="button" class="accept">Accept all</button> \
<button type="button" class="manage">Manage preferences</button>
</div>
<div class="top-strip">{story.date:%A %d %B %Y} · Harrowmere 7°C, showers · \
<a href="/harbour-gazette/subscribe.html">Subscribe from 1 crown a week</a> · \
<a href="/harbour-gazette/login.html">Sign in</a></div>
<header class="masthead">
<a class="logo" href="{BASE}/harbour-gazette/">The Harbour Gazette</a>
<p class="motto">Harrowmere’s daily newspaper since 1887</p>
</header>
<nav class="main-nav" aria-label="Sections"><ul>
<li><a href="/harbour-gazette/news/">News</a></li>
<li><a href="/harbour-gazette/city/">City</a></li>
<li><a href="/harbour-gazette/business/">Business</a></li>
<li><a href="/harbour-gazette/sport/">Sport</a></li>
<li><a href="/harbour-gazette/culture/">Culture</a></li>
<li><a href="/harbour-gazette/opinion/">Opinion</a></li>
<li><a href="/harbour-gazette/weather/">Weather</a></li>
<li><a href="/harbour-gazette/puzzles/">Puzzles</a></li>
<li><a href="/harbour-gazette/notices/">Family notices</a></li>
</ul></nav>
<aside class="ad ad-leaderboard" data-slot="hg_leaderboard"><span class="ad-label">Advertisement\
</span><a href="https://ads.example/click?c=hg-2210" rel="sponsored">Harrowmere Savings Bank — \
fixed-rate bonds at 4.1%. Terms apply.</a></aside>
<main id="content">
<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="{BASE}/harbour-gazette/">Home</a> › \
<a href="/harbour-gazette/news/">News</a> › <span>{e(section)}</span></nav>
<article class="story">
<header class="story-header">
<p class="kicker">{e(section)}</p>
<h1>{e(story.title)}</h1>
<p class="standfirst">{e(story.summary)}</p>
<p class="byline">By <a rel="author" href="/harbour-gazette/authors/{slugify(story.author)}.html">\
{e(story.author)}</a></p>
<p class="dateline"><time datetime="{rfc3339(story.date)}">{story.date:%A %d %B %Y, %H:%M}</time>\
{updated}</p>
</header>
{figure}
<div class="share-bar">Share this article: {shares}</div>
<div class="article-body">
{interleave(body, inserts)}
</div>
<div class="share-bar share-bottom">Share: {shares}</div>
<section class="author-bio"><h2>About the author</h2><p>{e(bio_for(story, site))}</p></section>
</article>
<section class="related"><h2>Related stories</h2><ul>
{related}
</ul></section>
<section id="comments" class="comments"><h2>Comments ({len(comments)})</h2>
<p class="comments-note">Comments are moderated and may take up to an hour to appear. \
Please read our <a href="/harbour-gazette/community.html">community guidelines</a>.</p>
<ol class="comment-list">
{comment_html}
</ol></section>
</main>
<aside class="sidebar">
<section class="most-read"><h2>Most read</h2><ol>
{most_read}
</ol></section>
<aside class="ad ad-mpu" data-slot="hg_mpu"><span class="ad-label">Advertisement</span>\
<a href="https://ads.example/click?c=hg-3302" rel="sponsored">Winter sailings to the Outer Isles \
from 39 crowns. Book with Tidewater Ferries.</a></aside>
<section class="newsletter"><h2>Morning Tide</h2><p>The day’s Harrowmere news in your inbox \
before 7am. Free, every weekday.</p><form action="/harbour-gazette/newsletter" method="post">\
<input type="email" name="email" placeholder="Your email address"> \
<button>Sign up</button></form></section>
</aside>
<footer class="site-footer">
<nav aria-label="Footer"><ul>
<li><a href="/harbour-gazette/about.html">About us</a></li>
<li><a href="/harbour-gazette/contact.html">Contact the newsroom</a></li>
<li><a href="/harbour-gazette/advertise.html">Advertise with us</a></li>
<li><a href="/harbour-gazette/careers.html">Careers</a></li>
<li><a href="/harbour-gazette/corrections.html">Corrections and clarifications</a></li>
<li><a href="/harbour-gazette/terms.html">Terms of use</a></li>
<li><a href="/harbour-gazette/privacy.html">Privacy policy</a></li>
<li><a href="/harbour-gazette/cookies.html">Cookie settings</a></li>
</ul></nav>
<p class="social">Follow us: <a href="https://www.facebook.com/TheHarbourGazette">Facebook</a> · \
<a href="https://x.com/harbourgazette">X</a> · \
<a href="https://www.instagram.com/harbourgazette">Instagram</a></p>
<p class="copyright">© 2026 Harbour Gazette Media Ltd, 14 Chandlers Row, Harrowmere. \
All rights reserved. Registered as a newspaper with the National Press Office.</p>
</footer>
</body>
</html>
"""


def _subscribe_wall(site: str, href: str) -> str:
    return (
        '<div class="paywall" id="paywall"><h2>Subscribe to continue reading</h2>'
        f"<p>This article is for {e(site)} subscribers. Get unlimited access to our journalism "
        "from 2 crowns a week; cancel any time.</p>"
        f'<p><a class="button" href="{href}">Subscribe now</a> '
        '<a class="button secondary" href="/login.html">Already a subscriber? Sign in</a></p>'
        "</div>"
    )


# ---- Northfield Courier: a modern regional site, div soup with BEM classes


COURIER_CMP = '\n<script async src="/northfield-courier/static/cmp.js"></script>'


def render_courier(story: Story, pool: list[Story]) -> str:
    site = "Northfield Courier"
    more = others(story, pool, 3, offset=2)
    inserts: dict[int, str] = {}
    if more:
        inserts[2] = (
            '<div class="c-inline-link"><span class="c-inline-link__label">READ MORE</span> '
            f'<a href="{more[0].url}">{e(more[0].title)}</a></div>'
        )
    inserts[4] = (
        '<div class="c-newsletter-box"><h3 class="c-newsletter-box__title">Get the Courier Daily'
        "</h3><p>Northfield and valley news, sport and what’s on, sent to your inbox every "
        'morning.</p><form class="c-newsletter-box__form"><input type="email" '
        'placeholder="Enter your email"><button type="submit">Sign up</button></form>'
        '<p class="c-newsletter-box__small">We use your sign-up to send you newsletters. '
        "You can unsubscribe at any time.</p></div>"
    )
    inserts[6] = (
        '<div class="c-ad c-ad--inarticle"><div class="c-ad__label">Advertisement</div>'
        '<div class="c-ad__creative">Valley Fresh Dairy — milk from Northfield farms, delivered '
        "to your door before breakfast. Order online today.</div></div>"
    )
    body = paragraphs_html(visible_paragraphs(story), "c-article__para")
    if story.kind == "teaser":
        body.append(
            '<div class="c-teaser-end"><p>The full story is in this week’s print edition of '
            "the Northfield Courier and in the Courier app.</p>"
            '<a class="c-btn" href="/northfield-courier/app.html">Open in the app</a></div>'
        )
    if story.kind == "paywall":
        body.append(_subscribe_wall(site, "/northfield-courier/subscribe.html"))
    trending = " ".join(
        f'<a class="c-trending__item" href="{s.url}">{e(s.title)}</a>'
        for s in others(story, pool, 3, offset=4)
    )
    shares = "".join(
        f'<a class="c-share__btn c-share__btn--{slugify(n)}" href="{u}" '
        f'aria-label="Share on {n}">{n}</a>'
        for n, u in share_links(story)
    )
    tiles = "\n".join(
        f'<div class="c-tile"><a class="c-tile__link" href="{s.url}">'
        f'<span class="c-tile__section">{e(section_name(s.topic))}</span>'
        f'<span class="c-tile__title">{e(s.title)}</span></a></div>'
        for s in others(story, pool, 4, offset=1)
    )
    comments = comments_for(story)
    comment_html = "\n".join(
        f'<div class="c-comment"><div class="c-comment__head"><span class="c-comment__author">'
        f'{e(c.name)}</span> <span class="c-comment__time" title="{rfc3339(c.when)}">'
        f'{c.when:%d %b %Y %H:%M}</span></div><div class="c-comment__text">{e(c.text)}</div>'
        f'<div class="c-comment__votes">▲ {c.likes}</div></div>'
        for c in comments
    )
    figure = (
        f'<div class="c-article__media"><img class="c-article__img" src="{e(image_url(story))}" '
        f'alt="{e(story.caption)}"><div class="c-article__caption">{e(story.caption)}</div></div>'
        if story.image
        else ""
    )
    updated = (
        f'<span class="c-article__updated">Updated {story.updated:%d %b %Y at %H:%M}</span>'
        if story.updated
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{head(story, site, "courier.min.css", COURIER_CMP)}
<body>
<div class="consent-overlay" id="cmp-banner">
<div class="consent-overlay__box">
<h2>Northfield Courier values your privacy</h2>
<p>We and our 143 partners store and access information on your device, such as cookies, and \
process personal data for personalised advertising and content, measurement and audience \
research. You can accept, or manage your choices at any time by clicking “Privacy settings” \
at the bottom of any page.</p>
<button class="consent-overlay__agree">Agree</button>\
<button class="consent-overlay__more">More options</button>
</div>
</div>
<div class="c-page">
<div class="c-header">
<div class="c-header__top"><a class="c-logo" href="{BASE}/northfield-courier/">NORTHFIELD \
COURIER</a><span class="c-header__weather">Northfield 4°C</span>\
<a class="c-header__login" href="/northfield-courier/account.html">Log in</a></div>
<nav class="c-nav"><a href="/northfield-courier/">Home</a><a href="/northfield-courier/local/">\
Local</a><a href="/northfield-courier/valley/">Valley</a>\
<a href="/northfield-courier/harrowmere/">Harrowmere</a><a href="/northfield-courier/sport/">\
Sport</a><a href="/northfield-courier/whats-on/">What’s On</a>\
<a href="/northfield-courier/jobs/">Jobs</a><a href="/northfield-courier/property/">\
Property</a><a href="/northfield-courier/obituaries/">Obituaries</a></nav>
<div class="c-trending"><span class="c-trending__label">Trending</span> {trending}</div>
</div>
<div class="c-ad c-ad--top"><div class="c-ad__label">Advertisement</div>\
<div class="c-ad__creative">Northfield Garden Centre: Christmas trees now in stock, \
from 25 crowns.</div></div>
<div class="c-breadcrumb"><a href="/northfield-courier/">Home</a> / \
<a href="/northfield-courier/local/">News</a> / {e(section_name(story.topic))}</div>
<div class="c-article">
<h1 class="c-article__headline">{e(story.title)}</h1>
<div class="c-article__summary">{e(story.summary)}</div>
<div class="c-article__meta"><span class="c-article__author">{e(story.author)}</span>\
<span class="c-article__date"><time datetime="{rfc3339(story.date)}">\
{story.date:%d %b %Y at %H:%M}</time></span>{updated}\
<span class="c-article__readtime">{read_minutes(story)} min read</span></div>
<div class="c-share">{shares}</div>
{figure}
<div class="c-article__body">
{interleave(body, inserts)}
</div>
<div class="c-share c-share--bottom">{shares}</div>
<div class="c-author-box"><div class="c-author-box__name">{e(story.author)}</div>\
<div class="c-author-box__bio">{e(bio_for(story, site))}</div>\
<a class="c-author-box__more" href="/northfield-courier/authors/{slugify(story.author)}.html">\
More from {e(story.author)}</a></div>
</div>
<div class="c-related"><h2 class="c-related__title">You may also like</h2>
{tiles}
</div>
<div class="c-comments" id="comments"><h2>Join the conversation ({len(comments)} comments)</h2>
<p class="c-comments__rules">Keep it civil. Comments that break our house rules will be removed.\
</p>
{comment_html}
</div>
<div class="c-ad c-ad--bottom"><div class="c-ad__label">Advertisement</div>\
<div class="c-ad__creative">Sponsored: Five walks in the Callow Valley you have to try this \
winter</div></div>
</div>
<footer class="c-footer">
<div class="c-footer__links"><a href="/northfield-courier/about.html">About the Courier</a>\
<a href="/northfield-courier/contact.html">Contact us</a>\
<a href="/northfield-courier/advertise.html">Advertise</a>\
<a href="/northfield-courier/complaints.html">Complaints</a>\
<a href="/northfield-courier/privacy.html">Privacy settings</a></div>
<div class="c-footer__social"><a href="https://www.facebook.com/NorthfieldCourier">Facebook</a>\
<a href="https://x.com/nfieldcourier">X</a><a href="https://www.youtube.com/@NorthfieldCourier">\
YouTube</a></div>
<div class="c-footer__legal">© Northfield Courier 2026. Part of Valley Press Group. \
Registered office: 3 Mill Lane, Northfield.</div>
</footer>
</body>
</html>
"""


# ---- The Valley Ledger: business and science weekly, market ticker and pull quotes


def render_ledger(story: Story, pool: list[Story]) -> str:
    site = "The Valley Ledger"
    inserts: dict[int, str] = {}
    quote_text = first_quote(story) if story.kind == "full" else ""
    if quote_text:
        inserts[3] = f'<blockquote class="pull-quote"><p>“{e(quote_text)}”</p></blockquote>'
    coverage = others(story, pool, 2, offset=2)
    if coverage:
        links = "".join(f'<li><a href="{s.url}">{e(s.title)}</a></li>' for s in coverage)
        inserts[5] = (
            f'<aside class="related-coverage"><h4>Related coverage</h4><ul>{links}</ul></aside>'
        )
    inserts[7] = (
        '<aside class="partner-content"><span>Partner content · Advertisement</span>'
        "<p>Ridgeway Capital: how family businesses in the valley are planning for 2027.</p>"
        "</aside>"
    )
    body = paragraphs_html(visible_paragraphs(story))
    if story.kind == "teaser":
        body.append(
            '<div class="teaser-end"><p>The full story is in this week’s print edition and '
            "in The Valley Ledger app.</p></div>"
        )
    if story.kind == "paywall":
        body.append(_subscribe_wall(site, "/valley-ledger/subscribe.html"))
    shares = " | ".join(f'<a href="{u}">{n}</a>' for n, u in share_links(story))
    popular = "\n".join(
        f'<li><span class="rank">{i}</span><a href="{s.url}">{e(s.title)}</a></li>'
        for i, s in enumerate(others(story, pool, 5, offset=1), start=1)
    )
    comments = comments_for(story)
    comment_html = "\n".join(
        f'<article class="reader-comment"><header><b>{e(c.name)}</b> · '
        f'<time datetime="{rfc3339(c.when)}">{c.when:%B %d, %Y %I:%M %p}</time></header>'
        f"<p>{e(c.text)}</p><footer>{c.likes} recommend</footer></article>"
        for c in comments
    )
    figure = (
        f'<figure><img src="{e(image_url(story))}" alt="{e(story.caption)}">'
        f"<figcaption>{e(story.caption)}</figcaption></figure>"
        if story.image
        else ""
    )
    updated = (
        f' · Updated <time datetime="{rfc3339(story.updated)}">'
        f"{story.updated:%B %d, %Y %I:%M %p} GMT</time>"
        if story.updated
        else ""
    )
    extra = (
        json_ld(story, site) + '\n<link rel="alternate" type="application/rss+xml" '
        'href="__BASE__/valley-ledger/rss.xml">'
        + '\n<link rel="alternate" type="application/feed+json" '
        'href="__BASE__/valley-ledger/feed.json">'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{head(story, site, "ledger.css", extra)}
<body>
<div class="ticker" aria-label="Markets">HMX 100 4,218.6 <span class="up">+0.4%</span> · \
Crown/Euro 0.0912 <span class="down">-0.1%</span> · Brent 81.40 <span class="up">+1.2%</span> · \
Gold 2,411 <span class="up">+0.3%</span> · 10-yr bond 3.87%</div>
<header class="site-header"><a class="wordmark" href="{BASE}/valley-ledger/">The Valley Ledger</a>\
<span class="tagline">Business, science and the money behind them</span>\
<a class="subscribe" href="/valley-ledger/subscribe.html">Subscribe</a></header>
<nav class="sections"><ul><li><a href="/valley-ledger/markets/">Markets</a></li>\
<li><a href="/valley-ledger/companies/">Companies</a></li><li><a href="/valley-ledger/economy/">\
Economy</a></li><li><a href="/valley-ledger/science/">Science</a></li>\
<li><a href="/valley-ledger/technology/">Technology</a></li><li><a href="/valley-ledger/energy/">\
Energy</a></li><li><a href="/valley-ledger/opinion/">Opinion</a></li>\
<li><a href="/valley-ledger/podcasts/">Podcasts</a></li><li><a href="/valley-ledger/events/">\
Events</a></li></ul></nav>
<div class="layout">
<main>
<ol class="crumbs"><li><a href="{BASE}/valley-ledger/">Ledger</a></li><li>\
{e(section_name(story.topic))}</li></ol>
<article class="story" itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">{e(story.title)}</h1>
<p class="dek" itemprop="description">{e(story.summary)}</p>
<div class="meta"><span itemprop="author">{e(story.author)}</span> · \
<time itemprop="datePublished" datetime="{rfc3339(story.date)}">\
{story.date:%B %d, %Y %I:%M %p} GMT</time>{updated} · {read_minutes(story)} min read</div>
{figure}
<div class="story-body" itemprop="articleBody">
{interleave(body, inserts)}
</div>
<p class="topics">Topics: <a href="/valley-ledger/topics/{slugify(story.topic)}/">\
{e(section_name(story.topic))}</a> · <a href="/valley-ledger/topics/callow-valley/">\
Callow Valley</a></p>
<p class="share">Share: {shares}</p>
<div class="byline-card"><h3>{e(story.author)}</h3><p>{e(bio_for(story, site))}</p>\
<a href="/valley-ledger/authors/{slugify(story.author)}.html">Follow {e(story.author)}</a></div>
</article>
<section class="reader-comments" id="comments"><h2>Reader comments</h2>
<p class="note">Subscribers can comment on Ledger stories. Sorted by: Newest</p>
{comment_html}
</section>
</main>
<aside class="rail">
<div class="ad-box"><small>Advertisement</small><p>Harrowmere Port Authority: capacity for \
2027 now open to tender.</p></div>
<section class="popular"><h2>Most popular</h2><ol>
{popular}
</ol></section>
<section class="newsletter-promo"><h2>The Ledger Weekly Briefing</h2><p>Every Friday: the week in \
valley business and science, in five minutes.</p><a href="/valley-ledger/newsletters.html">Sign up\
</a></section>
</aside>
</div>
<div class="cookie-bar" id="privacy-choices"><p>Your privacy choices: we use cookies to keep you \
signed in, measure readership and show relevant advertising.</p><button>Accept cookies</button> \
<button>Reject non-essential</button> <a href="/valley-ledger/cookies.html">Settings</a></div>
<footer class="site-footer"><p><a href="/valley-ledger/about.html">About us</a> · \
<a href="/valley-ledger/contact.html">Contact</a> · <a href="/valley-ledger/ethics.html">\
Editorial standards</a> · <a href="/valley-ledger/privacy.html">Privacy</a> · \
<a href="/valley-ledger/terms.html">Terms</a></p>
<p>Follow: <a href="https://www.linkedin.com/company/valley-ledger">LinkedIn</a> · \
<a href="https://x.com/valleyledger">X</a> · <a href="https://bsky.app/profile/valleyledger.example">\
Bluesky</a></p>
<p>© 2026 The Valley Ledger Ltd. All rights reserved. Market data delayed by at least 15 minutes.\
</p></footer>
</body>
</html>
"""


# ---- Metro Wire: a news agency, terse layout, licensing and standards boilerplate


EDITORS = ("Hal Brennick", "Signe Aaltonen", "Corin Dace", "Maud Ferrier")


def render_wire(story: Story, pool: list[Story]) -> str:
    site = "Metro Wire"
    inserts = {
        4: '<div class="ad-slot" data-ad="mw-mid"><p class="ad-slot__label">Advertisement · '
        "Scroll to continue</p></div>",
    }
    body = paragraphs_html(visible_paragraphs(story), "text__paragraph")
    editor = rng_for("editor", story.slug).choice(EDITORS)
    if story.kind == "teaser":
        body.append(
            '<p class="teaser-note">The full story is available to Metro Wire clients in the '
            "Metro Wire app.</p>"
        )
    if story.kind == "paywall":
        body.append(
            '<div class="paywall" id="paywall"><h2>Subscribe to continue reading</h2>'
            "<p>This is a Metro Wire Premium story. Subscribe to Metro Wire Professional for "
            "unlimited access to our reporting, data and analysis.</p>"
            '<p><a class="button" href="/metro-wire/subscribe.html">Subscribe now</a> '
            '<a class="button" href="/metro-wire/login.html">Sign in</a></p></div>'
        )
    else:
        body.append(
            f'<p class="text__signoff">Reporting by {e(story.author)}; Editing by {e(editor)}</p>'
        )
    shares = "".join(
        f'<li><a href="{u}" aria-label="Share on {n}">{n}</a></li>' for n, u in share_links(story)
    )
    more = "\n".join(
        f'<li class="more-item"><a href="{s.url}">{e(s.title)}</a> '
        f'<span class="more-item__time">{s.date:%B %d, %Y}</span></li>'
        for s in others(story, pool, 5, offset=2)
    )
    comments = comments_for(story)
    comment_html = "\n".join(
        f'<li><span class="c-name">{e(c.name)}</span> <span class="c-time">'
        f"{c.when:%H:%M GMT %d %b}</span><p>{e(c.text)}</p></li>"
        for c in comments
    )
    figure = (
        f'<figure class="primary-image"><img src="{e(image_url(story))}" '
        f'alt="{e(story.caption)}"><figcaption>{e(story.caption)} '
        '<a href="/metro-wire/licensing.html">Purchase Licensing Rights</a></figcaption></figure>'
        if story.image
        else ""
    )
    updated = (
        f' <span class="updated">Updated {story.updated:%B %d, %Y %I:%M %p} GMT</span>'
        if story.updated
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{head(story, site, "wire.css")}
<body class="article">
<div class="cookie-notice" id="onetrust-banner"><p>We use cookies to understand how you use our \
site and to improve your experience. This includes personalising content and advertising.</p>\
<button>Accept All</button><button>Reject Non-Essential</button>\
<a href="/metro-wire/cookies.html">Cookie Settings</a></div>
<header class="masthead"><a href="{BASE}/metro-wire/" class="brand">METRO WIRE</a>\
<span class="brand__since">Independent news since 1952</span>\
<a class="masthead__cta" href="/metro-wire/register.html">Register</a></header>
<nav class="region-nav"><a href="/metro-wire/world/">World</a><a href="/metro-wire/business/">\
Business</a><a href="/metro-wire/markets/">Markets</a><a href="/metro-wire/harrowmere/">\
Harrowmere</a><a href="/metro-wire/northfield/">Northfield</a><a href="/metro-wire/sport/">Sport\
</a><a href="/metro-wire/science/">Science</a><a href="/metro-wire/technology/">Technology</a>\
<a href="/metro-wire/pictures/">Pictures</a></nav>
<div class="ad-slot ad-slot--top"><p class="ad-slot__label">Advertisement</p></div>
<main class="article-main">
<p class="breadcrumb"><a href="/metro-wire/{slugify(story.topic)}/">\
{e(section_name(story.topic))}</a></p>
<h1 class="article-headline">{e(story.title)}</h1>
<div class="article-info"><p class="byline">By <a href="/metro-wire/authors/\
{slugify(story.author)}.html">{e(story.author)}</a></p>\
<p class="date"><time datetime="{rfc3339(story.date)}">{story.date:%B %d, %Y %I:%M %p} GMT</time>\
{updated}</p><p class="read-time">{read_minutes(story)} minute read</p></div>
<ul class="share-list">{shares}</ul>
{figure}
<div class="article-body">
{interleave(body, inserts)}
</div>
<p class="standards"><a href="/metro-wire/trust-principles.html">Our Standards: The Metro Wire \
Trust Principles.</a> <a href="/metro-wire/licensing.html">Purchase Licensing Rights, opens new \
tab</a></p>
<div class="author-card"><p class="author-card__name">{e(story.author)}</p>\
<p class="author-card__bio">{e(bio_for(story, site))}</p></div>
<section class="more-from"><h2>More from Metro Wire</h2><ul>
{more}
</ul></section>
<section class="discussion" id="comments"><h2>Reader discussion</h2><ul>
{comment_html}
</ul></section>
</main>
<footer class="wire-footer"><p>Metro Wire, the news and media division of Metro Wire Holdings, \
is the leading independent news agency for Harrowmere and the valley, reaching clients in \
print, broadcast and online every day.</p>
<p><a href="/metro-wire/about.html">About Metro Wire</a> · <a href="/metro-wire/careers.html">\
Careers</a> · <a href="/metro-wire/contact.html">Contact us</a> · \
<a href="/metro-wire/accessibility.html">Accessibility</a> · <a href="/metro-wire/terms.html">\
Terms of use</a> · <a href="/metro-wire/privacy.html">Privacy</a></p>
<p><a href="https://x.com/metrowire">X</a> · <a href="https://www.linkedin.com/company/metrowire">\
LinkedIn</a> · <a href="https://www.instagram.com/metrowire">Instagram</a></p>
<p>All quotes delayed a minimum of 15 minutes. © 2026 Metro Wire. All rights reserved.</p>
</footer>
</body>
</html>
"""


# ---- fallback for an outlet directory this script has no template for


def render_generic(story: Story, pool: list[Story]) -> str:
    return render_courier(story, pool)


# --------------------------------------------------------------------------- feeds


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def content_html(story: Story) -> str:
    return "\n".join(paragraphs_html(story.paragraphs))


def feed_date(stories: list[Story]) -> datetime:
    return max(s.updated or s.date for s in stories)


def rss_feed(outlet: Outlet, stories: list[Story]) -> str:
    """RSS 2.0; per-outlet quirks (relative links, content:encoded, enclosures) live here."""
    items = []
    for s in stories:
        if outlet.key == "valley-ledger":
            link = f"news/{s.slug}.html"  # relative on purpose: resolve against the feed URL
            guid = f'<guid isPermaLink="false">valley-ledger:{s.slug}</guid>'
        else:
            link = s.url
            guid = f'<guid isPermaLink="true">{s.url}</guid>'
        parts = [
            f"<title>{e(s.title)}</title>",
            f"<link>{link}</link>",
            guid,
            f"<pubDate>{rfc822(s.date)}</pubDate>",
        ]
        if outlet.key == "metro-wire":
            parts.append(f"<author>desk@metrowire.test ({e(s.author)})</author>")
        else:
            parts.append(f"<dc:creator>{e(s.author)}</dc:creator>")
        parts.append(f"<category>{e(section_name(s.topic))}</category>")
        parts.append(f"<description>{e(s.summary)}</description>")
        if outlet.key == "harbour-gazette" and s.kind == "full":
            parts.append(f"<content:encoded>{_cdata(content_html(s))}</content:encoded>")
        if outlet.key == "metro-wire" and s.image:
            length = len(PLACEHOLDER_JPEG)
            parts.append(
                f'<enclosure url="{e(image_url(s))}" length="{length}" type="image/jpeg"/>'
            )
        items.append("<item>\n  " + "\n  ".join(parts) + "\n</item>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{e(outlet.name)}</title>
<link>{outlet.home}</link>
<atom:link href="{BASE}/{outlet.key}/rss.xml" rel="self" type="application/rss+xml"/>
<description>{e(outlet.description)}</description>
<language>en</language>
<copyright>© 2026 {e(outlet.name)}</copyright>
<lastBuildDate>{rfc822(feed_date(stories))}</lastBuildDate>
<ttl>30</ttl>
{chr(10).join(items)}
</channel>
</rss>
"""


def atom_feed(outlet: Outlet, stories: list[Story]) -> str:
    entries = []
    for s in stories:
        entries.append(f"""<entry>
  <title>{e(s.title)}</title>
  <link rel="alternate" type="text/html" href="{s.url}"/>
  <id>tag:{outlet.key}.example,2026:{s.slug}</id>
  <published>{rfc3339(s.date)}</published>
  <updated>{rfc3339(s.updated or s.date)}</updated>
  <author><name>{e(s.author)}</name></author>
  <category term="{e(s.topic)}" label="{e(section_name(s.topic))}"/>
  <summary type="text">{e(s.summary)}</summary>
</entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>{e(outlet.name)}</title>
<subtitle>{e(outlet.description)}</subtitle>
<link rel="self" type="application/atom+xml" href="{BASE}/{outlet.key}/atom.xml"/>
<link rel="alternate" type="text/html" href="{outlet.home}"/>
<id>tag:{outlet.key}.example,2026:feed</id>
<updated>{rfc3339(feed_date(stories))}</updated>
<author><name>{e(outlet.name)} newsroom</name></author>
<rights>© 2026 {e(outlet.name)}</rights>
{chr(10).join(entries)}
</feed>
"""


def json_feed(outlet: Outlet, stories: list[Story]) -> str:
    items = []
    for s in stories:
        item: dict[str, object] = {
            "id": f"{outlet.key}:{s.slug}",
            "url": s.url,
            "title": s.title,
            "summary": s.summary,
            "content_text": s.summary,
            "date_published": rfc3339(s.date),
            "authors": [{"name": s.author}],
            "tags": [s.topic],
        }
        if s.updated:
            item["date_modified"] = rfc3339(s.updated)
        if s.image:
            item["image"] = image_url(s)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "home_page_url": outlet.home,
        "feed_url": f"{BASE}/{outlet.key}/feed.json",
        "description": outlet.description,
        "language": "en",
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


FEED_WRITERS: dict[str, Callable[[Outlet, list[Story]], str]] = {
    "rss": rss_feed,
    "atom": atom_feed,
    "json": json_feed,
}
FEED_TYPES = {"rss": "rss", "atom": "atom", "json": "json"}


OUTLETS: dict[str, Outlet] = {
    o.key: o
    for o in (
        Outlet(
            "harbour-gazette",
            "The Harbour Gazette",
            "News from Harrowmere and the coast, every day since 1887.",
            (("rss", "rss.xml"),),
            render_gazette,
        ),
        Outlet(
            "northfield-courier",
            "Northfield Courier",
            "Local news, sport and what's on in Northfield and the Callow Valley.",
            (("atom", "atom.xml"),),
            render_courier,
        ),
        Outlet(
            "valley-ledger",
            "The Valley Ledger",
            "Business, science and the money behind them: a weekly from the Callow Valley.",
            (("rss", "rss.xml"), ("json", "feed.json")),
            render_ledger,
        ),
        Outlet(
            "metro-wire",
            "Metro Wire",
            "Independent news agency for Harrowmere and the valley.",
            (("rss", "rss.xml"),),
            render_wire,
        ),
    )
}


def outlet_for(key: str) -> Outlet:
    if key in OUTLETS:
        return OUTLETS[key]
    name = key.replace("-", " ").title()
    return Outlet(key, name, f"News from {name}.", (("rss", "rss.xml"),), render_generic)


def opml(outlets: list[Outlet], updated: datetime) -> str:
    lines = []
    for o in outlets:
        for kind, filename in o.feeds:
            label = o.name if len(o.feeds) == 1 else f"{o.name} ({kind.upper()})"
            lines.append(
                f'    <outline type="rss" text="{e(label)}" title="{e(label)}" '
                f'xmlUrl="{BASE}/{o.key}/{filename}" htmlUrl="{o.home}"/>'
            )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>Retold sample newsroom</title>
    <dateCreated>{rfc822(updated)}</dateCreated>
    <ownerName>Retold</ownerName>
  </head>
  <body>
    <outline text="Harrowmere and Northfield" title="Harrowmere and Northfield">
{chr(10).join("  " + line for line in lines)}
    </outline>
  </body>
</opml>
"""


# --------------------------------------------------------------------------- index pages


def outlet_index(outlet: Outlet, stories: list[Story]) -> str:
    items = "\n".join(
        f'<li><a href="{s.url}">{e(s.title)}</a> <time datetime="{rfc3339(s.date)}">'
        f"{s.date:%d %b %Y}</time><p>{e(s.summary)}</p></li>"
        for s in stories
    )
    feeds = " · ".join(f'<a href="{BASE}/{outlet.key}/{f}">{f}</a>' for _, f in outlet.feeds)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{e(outlet.name)}</title>
<link rel="canonical" href="{outlet.home}"></head>
<body><header><h1>{e(outlet.name)}</h1><p>{e(outlet.description)}</p></header>
<main><h2>Latest</h2><ul>
{items}
</ul></main>
<footer><p>Feeds: {feeds}</p></footer>
</body>
</html>
"""


def site_index(outlets: list[tuple[Outlet, list[Story]]]) -> str:
    rows = "\n".join(
        f'<li><a href="{o.home}">{e(o.name)}</a> — {e(o.description)} ({len(s)} stories; '
        + " · ".join(f'<a href="{BASE}/{o.key}/{f}">{f}</a>' for _, f in o.feeds)
        + ")</li>"
        for o, s in outlets
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Retold sample newsroom</title></head>
<body>
<h1>Retold sample newsroom</h1>
<p>Four fictional outlets in the fictional city of Harrowmere and the town of Northfield. \
All stories are original fiction written for Retold. Subscription list: \
<a href="{BASE}/newsroom.opml">newsroom.opml</a>.</p>
<ul>
{rows}
</ul>
</body>
</html>
"""


# --------------------------------------------------------------------------- placeholder image

# A valid 8x8 grey baseline JPEG (one DC-only block, minimal Huffman tables), built by hand
# so that image URLs in pages and enclosures resolve without any imaging library.
PLACEHOLDER_JPEG = bytes.fromhex(
    "ffd8"
    "ffe000104a46494600010100000100010000"
    "ffdb004300" + "08" * 64 + "ffc0000b080008000801011100"
    "ffc4001400" + "01" + "00" * 15 + "05"
    "ffc4001410" + "01" + "00" * 15 + "00"
    "ffda000801010000003f00"
    "41"
    "ffd9"
)


# --------------------------------------------------------------------------- build


def build(src: Path = SAMPLES) -> dict[str, bytes]:
    """Every generated file as {path relative to the output dir: bytes}."""
    originals = load_stories(src / "stories")
    updates = load_stories(src / "stories-updated")
    files: dict[str, str | bytes] = {}
    manifest: list[dict[str, object]] = []
    outlets: list[tuple[Outlet, list[Story]]] = []
    images: set[str] = set()
    for key in sorted(originals, key=lambda k: (list(OUTLETS).index(k) if k in OUTLETS else 99, k)):
        outlet, pool = outlet_for(key), originals[key]
        outlets.append((outlet, pool))
        updated_by_slug = {s.slug: s for s in updates.get(key, [])}
        unknown = set(updated_by_slug) - {s.slug for s in pool}
        if unknown:
            raise SampleError(f"stories-updated/{key} has no original for: {', '.join(unknown)}.")
        for story in pool:
            files[f"site/{key}/news/{story.slug}.html"] = outlet.render(story, pool)
            if story.image.startswith("/images/"):
                images.add(story.image)
            entry: dict[str, object] = {
                "outlet": key,
                "slug": story.slug,
                "path": f"site/{key}/news/{story.slug}.html",
                "url": story.url,
                "title": story.title,
                "author": story.author,
                "date": rfc3339(story.date),
                "kind": story.kind,
                "topic": story.topic,
                "words": story.words,
                "event": story.event,
                "wire_of": story.wire_of,
                "updated_path": None,
            }
            if story.slug in updated_by_slug:
                new = _as_update(updated_by_slug[story.slug])
                files[f"updates/{key}/news/{story.slug}.html"] = outlet.render(new, pool)
                entry["updated_path"] = f"updates/{key}/news/{story.slug}.html"
            manifest.append(entry)
        files[f"site/{key}/index.html"] = outlet_index(outlet, pool)
        for kind, filename in outlet.feeds:
            files[f"site/{key}/{filename}"] = FEED_WRITERS[kind](outlet, pool)
            if updated_by_slug:
                # the later edition's feed carries the updated items
                edition = [
                    _as_update(updated_by_slug[s.slug]) if s.slug in updated_by_slug else s
                    for s in pool
                ]
                files[f"updates/{key}/{filename}"] = FEED_WRITERS[kind](outlet, edition)
    if not outlets:
        raise SampleError(f"No story files found under {src / 'stories'}.")
    for image in sorted(images):
        files[f"site{image}"] = PLACEHOLDER_JPEG
    files["site/index.html"] = site_index(outlets)
    files["newsroom.opml"] = opml([o for o, _ in outlets], max(feed_date(s) for _, s in outlets))
    files["MANIFEST.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    return {
        path: (data.encode("utf-8") if isinstance(data, str) else data)
        for path, data in sorted(files.items())
    }


def _as_update(story: Story) -> Story:
    """An updated version always carries an ``updated`` time (its date if none was given)."""
    return story if story.updated else replace(story, updated=story.date)


GENERATED_DIRS = ("site", "updates")


def existing(out: Path) -> dict[str, Path]:
    """Files under the generated directories of ``out`` (plus the top-level outputs)."""
    found: dict[str, Path] = {}
    for name in GENERATED_DIRS:
        root = out / name
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file():
                    found[path.relative_to(out).as_posix()] = path
    for name in ("newsroom.opml", "MANIFEST.json"):
        if (out / name).is_file():
            found[name] = out / name
    return found


def differences(files: dict[str, bytes], out: Path) -> list[str]:
    on_disk = existing(out)
    problems = [f"missing {p}" for p in files if p not in on_disk]
    problems += [f"stale {p}" for p in on_disk if p not in files]
    problems += [
        f"changed {p}" for p in files if p in on_disk and on_disk[p].read_bytes() != files[p]
    ]
    return sorted(problems)


def write(files: dict[str, bytes], out: Path) -> int:
    """Write the files, remove generated files that no story produces any more; count writes."""
    written = 0
    for rel, path in existing(out).items():
        if rel not in files:
            path.unlink()
    for name in GENERATED_DIRS:
        root = out / name
        if root.is_dir():
            for folder in sorted(root.rglob("*"), reverse=True):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
    for rel, data in files.items():
        target = out / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Retold sample newsroom.")
    parser.add_argument("--src", type=Path, default=SAMPLES, help="folder holding stories/")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: --src)")
    parser.add_argument(
        "--check", action="store_true", help="only verify the output folder is up to date"
    )
    args = parser.parse_args(argv)
    out: Path = args.out or args.src
    try:
        files = build(args.src)
    except SampleError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        problems = differences(files, out)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("Generated samples are out of date: run samples/build.py.", file=sys.stderr)
            return 1
        print(f"{len(files)} generated files are up to date.")
        return 0
    count = write(files, out)
    pages = sum(1 for p in files if "/news/" in p)
    print(f"Built {pages} pages and {len(files)} files into {out} ({count} changed).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
