"""An article's parts, rendered to HTML in one pass; the template lays them out.

A page has dozens of sentences, evidence notes and related entries. Rendering them with
template loops costs a ``Markup`` object and an escape call per value (most of a build's
time); here each part is built with plain string joins, every value escaped exactly once,
and handed to ``article.html`` as ready markup.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass

from markupsafe import Markup

from retold.publish import corrections, dates, metadata, timeline, urls
from retold.publish.markup import esc, safe
from retold.publish.share import share_links
from retold.records import ArticlePage, SentenceCheck, SiteInfo, SourceLink

# What a reader (and a screen reader) is told about a sentence, by verdict.
FLAGS = {
    "unsupported": ("not in source", "(not found in the source)"),
    "contradicted": ("contradicts source", "(contradicted by the source)"),
}
VERDICT_TEXT = {
    "supported": "Matches the source",
    "unsupported": "Not found in the source",
    "contradicted": "Contradicted by the source",
}
NO_PASSAGE = "<p>No passage in the source says this.</p>"
FLAGS_HTML = {
    verdict: f'<span class="flag" aria-hidden="true">{esc(flag)}</span>'
    f'<span class="sr-only"> {esc(flag_sr)}</span>'
    for verdict, (flag, flag_sr) in FLAGS.items()
}


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What ``article.html`` prints: plain values, and Markup for the repeated parts."""

    page: ArticlePage
    url: str
    description: str
    json_ld: Markup
    social: Markup  # <meta> lines
    share: Markup  # the share bar's list (shown twice)
    topics: Markup  # " · <a>Topic</a>" links for the meta line
    body: Markup  # <p> lines
    notes: Markup  # evidence <li> items; empty when nothing was checked
    unmatched: int
    sources: Markup
    related: Markup  # <li> items; empty when none is published
    published_iso: str
    published_human: str
    date_phrase: str  # "Published", or "First seen" when the sources gave no date
    updated_iso: str
    updated_human: str  # empty when the article was never updated on a later day
    timeline: Markup = Markup("")  # the public change log ("" for a page never updated)
    corrections: Markup = Markup("")  # the editors' correction notes under the article
    report: Markup = Markup("")  # readers' "Report an error"
    form_action: str = ""  # the CSP form-action source the report form needs


# Shown where a source's only name was a URL that may not be printed as a link.
UNNAMED_SOURCE = "an unnamed source"
# Said beside a source whose URL was refused, so a reader knows why there is no link.
NO_LINK_HTML = ' <span class="no-link">(no link: its address is not a web page)</span>'


def source_name(source: SourceLink) -> str:
    """The outlet's name; never an unsafe URL, even as plain text."""
    href = urls.source_href(source.url)
    return source.site_name.strip() or urls.host_of(href) or href or UNNAMED_SOURCE


def source_title(source: SourceLink) -> str:
    return source.title.strip() or urls.source_href(source.url) or source_name(source)


def _fragment(passage: str) -> str:
    """``#:~:text=...`` for a passage, or "" when it is too short to find reliably."""
    words = passage.split()
    if len(words) < 3:
        return ""

    def enc(part: list[str]) -> str:
        # '-', ',' and '&' are syntax inside text fragments, so they are escaped too
        return urls.quote_all(" ".join(part)).replace("-", "%2D")

    if len(words) <= 10:
        return f"#:~:text={enc(words)}"
    return f"#:~:text={enc(words[:5])},{enc(words[-5:])}"


def text_fragment_link(url: str, passage: str) -> str:
    """Link to ``url`` scrolled to ``passage`` (URL text fragments; ignored where unsupported)."""
    if not url or "#" in url:
        return url
    return url + _fragment(passage)


# Verdicts are few: their escaped note heads and classes are worked out once.
_VERDICT_HTML: dict[str, tuple[str, str]] = {}


def _verdict_html(verdict: str) -> tuple[str, str]:
    """(escaped verdict for the class attribute, the note's <strong> label)."""
    html = _VERDICT_HTML.get(verdict)
    if html is None:
        text = VERDICT_TEXT.get(verdict) or verdict.capitalize()
        html = (esc(verdict), f"<strong>{esc(text)}</strong>")
        if len(_VERDICT_HTML) < 64:  # verdicts come from a short list; never grow unbounded
            _VERDICT_HTML[verdict] = html
    return html


class _Sources:
    """Per article: each source URL checked and escaped once, with its escaped display name.

    The escaped URL is "" when the URL may not be a link (see ``urls.source_href``).
    """

    def __init__(self, page: ArticlePage) -> None:
        self._names = {source.url: source_name(source) for source in page.sources}
        self._html: dict[str, tuple[str, str]] = {}

    def __call__(self, url: str) -> tuple[str, str]:
        html = self._html.get(url)
        if html is None:
            href = urls.source_href(url)
            name = self._names.get(url, "") or urls.host_of(href) or UNNAMED_SOURCE
            html = self._html[url] = (esc(href), esc(name))
        return html


def _note(number: int, check: SentenceCheck, sources: _Sources) -> str:
    verdict_class, head = _verdict_html(check.verdict)
    evidence = check.evidence.strip()
    reason = check.reason.strip()
    url_html = ""
    if check.source_url:
        url_html, name_html = sources(check.source_url)
        if url_html:
            # only ever [%A-Za-z0-9_.~,:#=]
            fragment = "" if "#" in url_html else _fragment(evidence)
            head += f' · <a href="{url_html}{fragment}">{name_html}</a>'
        else:  # refused URL: the source is still named, just not linked
            head += f" · {name_html}"
    if evidence:
        cite = f' cite="{url_html}"' if url_html else ""
        passage = f"<blockquote{cite}><p>{esc(evidence)}</p></blockquote>"
    else:
        passage = NO_PASSAGE if check.verdict != "supported" else ""
    if reason:
        passage += f'<p class="reason">{esc(reason)}</p>'
    return (
        f'<li id="note-{number}" class="note note-{verdict_class}">\n'
        f'<p class="note-head">{head} · <a href="#ref-{number}" '
        f'aria-label="Back to sentence {number}">↩ back</a></p>\n{passage}</li>\n'
    )


def _body(page: ArticlePage) -> tuple[str, str, int]:
    """(body paragraphs, evidence notes, how many checked sentences did not match)."""
    sources = _Sources(page)
    paragraphs: list[str] = []
    notes: list[str] = []
    unmatched = 0
    for paragraph in page.paragraphs:
        if not paragraph:
            continue
        sentences = []
        for text, check in paragraph:
            html = esc(text.strip())
            if check is not None:
                number = len(notes) + 1
                flagged = FLAGS_HTML.get(check.verdict)
                if flagged is not None:
                    html = f'<span class="unmatched">{html} {flagged}</span>'
                html += (
                    f'<sup class="ref"><a id="ref-{number}" href="#note-{number}" '
                    f'aria-label="Evidence {number}">{number}</a></sup>'
                )
                notes.append(_note(number, check, sources))
                if check.verdict != "supported":
                    unmatched += 1
            sentences.append(html)
        paragraphs.append(f"<p>{' '.join(sentences)}</p>\n")
    return "".join(paragraphs), "".join(notes), unmatched


def _source_item(source: SourceLink) -> str:
    """One "Original source" entry: a link, or the same words unlinked when the URL is refused."""
    href = urls.source_href(source.url)
    title, name = source_title(source), source_name(source)
    name_html = f'<span class="site-name">({esc(name)})</span>'
    if not href:  # the same words, unlinked; the name only once when it is all there is
        return f"{esc(title)}{'' if title == name else ' ' + name_html}{NO_LINK_HTML}"
    return f'<a href="{esc(href)}">{esc(title)}</a> {name_html}'


def _sources(page: ArticlePage) -> str:
    items = [_source_item(s) for s in page.sources]
    if len(items) == 1:
        return f"<p>Original source: {items[0]}</p>\n"
    if not items:
        return ""
    return (
        "<p>Original sources:</p>\n<ul>\n" + "".join(f"<li>{i}</li>\n" for i in items) + "</ul>\n"
    )


def _related(site: SiteInfo, page: ArticlePage, published: Set[str] | None) -> str:
    parts = []
    for link in page.related:
        if link.slug == page.slug or (published is not None and link.slug not in published):
            continue
        href = esc(urls.href(site, urls.article_rel(link.slug)))
        headline = esc(link.headline)
        parts.append(
            f'<li>\n<h3><a href="{href}">{headline}</a></h3>\n<p>{esc(link.teaser)}</p>\n'
            f'<a class="read" href="{href}" aria-label="Read Article: {headline}">'
            "Read Article</a>\n</li>\n"
        )
    return "".join(parts)


def _share(headline: str, url: str) -> str:
    items = [
        f'<li><a href="{esc(link.href)}" target="_blank" rel="noopener noreferrer" '
        f'aria-label="Share on {link.name} (opens in a new tab)">'  # names are plain constants
        + (f'<span aria-hidden="true">{link.icon}</span> ' if link.icon else "")
        + f"{link.name}</a></li>\n"
        for link in share_links(headline, url)
    ]
    return (
        "<ul>\n"
        + "".join(items)
        + '<li><details class="copy"><summary>Copy link</summary><label>Link to this article '
        f'<input type="text" readonly value="{esc(url)}" spellcheck="false"></label>'
        "</details></li>\n</ul>"
    )


def _social(site: SiteInfo, page: ArticlePage) -> str:
    return "".join(  # attributes and names are plain constants; only the content varies
        f'<meta {attr}="{name}" content="{esc(content)}">\n'
        for attr, name, content in metadata.social_tags(site, page)
    )


def article_view(
    site: SiteInfo,
    page: ArticlePage,
    published_slugs: Set[str] | None = None,
    topic_href: Callable[[str], str] | None = None,
) -> ArticleView:
    """Everything the article template needs. Related links to unpublished slugs are dropped.

    ``topic_href`` maps a topic to its listing's link (a build memoises it: topics repeat).
    """
    url = urls.article_url(site, page.slug)
    body, notes, unmatched = _body(page)
    if topic_href is None:
        topic_href = lambda t: urls.href(site, urls.topic_rel(urls.slugify(t)))  # noqa: E731
    topics = "".join(f' · <a href="{esc(topic_href(t))}">{esc(t)}</a>' for t in page.topics)
    published = dates.human(page.published)
    updated = dates.human(page.updated)
    return ArticleView(
        page=page,
        url=url,
        description=metadata.description(page),
        json_ld=safe(metadata.json_ld_script(site, page)),
        social=safe(_social(site, page)),
        share=safe(_share(page.headline, url)),
        topics=safe(topics),
        body=safe(body),
        notes=safe(notes),
        unmatched=unmatched,
        sources=safe(_sources(page)),
        related=safe(_related(site, page, published_slugs)),
        published_iso=dates.iso(page.published),
        published_human=published,
        date_phrase=dates.date_phrase(page.first_seen),
        updated_iso=dates.iso(page.updated),
        updated_human=updated if updated != published else "",
        timeline=safe(timeline.timeline_html(page)),
        corrections=safe(corrections.notes_html(site, page.corrections)),
        report=safe(corrections.report_html(site, page, url)),
        form_action=corrections.form_action(site),
    )


def feed_content(page: ArticlePage) -> str:
    """The article as feed readers show it: label, body with marks spelled out, sources."""
    parts = [f"<p><em>{esc(page.label)}</em></p>\n"]
    for paragraph in page.paragraphs:
        if not paragraph:
            continue
        sentences = []
        for text, check in paragraph:
            html = esc(text.strip())
            flagged = FLAGS.get(check.verdict) if check is not None else None
            if flagged is not None:
                html += f" <strong>{flagged[1]}</strong>"
            sentences.append(html)
        parts.append(f"<p>{' '.join(sentences)}</p>\n")
    if page.sources:
        lead = "Original sources:" if len(page.sources) > 1 else "Original source:"
        links = ";".join(_feed_source(s) for s in page.sources)
        parts.append(f"<p>{lead}{links}</p>\n")
    parts.append(timeline.feed_html(page))  # a reader of the feed learns what changed too
    parts.append(corrections.feed_notes(page.corrections))
    return "".join(parts)


def _feed_source(source: SourceLink) -> str:
    href = urls.source_href(source.url)
    title, name = source_title(source), source_name(source)
    if not href:  # feed readers get the words without the refused link
        return f" {esc(title)}" + ("" if title == name else f" ({esc(name)})")
    return f' <a href="{esc(href)}">{esc(title)}</a> ({esc(name)})'
