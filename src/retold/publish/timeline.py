"""An article's public change log: when it was published, and what each later version changed.

Pure: ``updates`` turns stored versions into one plain line each (said from the data, never
guessed), and ``timeline_html`` lays them out under the article with its corrections. An
article never updated nor corrected gets no timeline: its meta line already says when it was
published.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from retold.publish import dates, urls
from retold.publish.markup import esc
from retold.records import ArticlePage, ArticleUpdate, SourceLink, VersionRecord
from retold.text.sentences import split_sentences

# Desk actions that say who made a version (the pipeline's versions say nothing extra).
DESK_WORDS = {
    "edit": "Edited by an editor",
    "rewrite": "Rewritten by the writer at an editor's request",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the rendered timeline."""

    when: datetime
    kind: str  # "published", "updated" or "correction"
    text: str


def _name(source: SourceLink) -> str:
    """An outlet as readers know it: its name, else its host (never a raw URL)."""
    return source.site_name.strip() or urls.source_host(source.url) or "a source"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@functools.lru_cache(maxsize=4096)
def _split(paragraph: str) -> tuple[str, ...]:
    # A version's changed paragraph is compared twice (with the one before, then the one
    # after): split it once.
    return tuple(split_sentences(paragraph))


def _sentences(paragraphs: Sequence[str]) -> list[str]:
    return [s for p in paragraphs for s in _split(p)]


def _opcodes(a: Sequence[str], b: Sequence[str]) -> Sequence[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()


def body_change(old: Sequence[str], new: Sequence[str]) -> str:
    """ "2 sentences added, 1 changed, 1 removed" ("" when the body is the same).

    Sentences are aligned in order, so a sentence replaced in place counts as changed
    rather than as one removed and one added. Paragraphs are compared first and only the
    ones that differ are split into sentences (splitting is the costly part of a build's
    change logs, and most paragraphs survive an update).
    """
    added = changed = removed = 0
    for tag, i1, i2, j1, j2 in _opcodes(list(old), list(new)):
        if tag == "equal":
            continue
        a, b = _sentences(old[i1:i2]), _sentences(new[j1:j2])
        for kind, x1, x2, y1, y2 in _opcodes(a, b):
            if kind == "replace":
                both = min(x2 - x1, y2 - y1)
                changed += both
                removed += (x2 - x1) - both
                added += (y2 - y1) - both
            elif kind == "delete":
                removed += x2 - x1
            elif kind == "insert":
                added += y2 - y1
    counts = [
        (n, verb) for n, verb in ((added, "added"), (changed, "changed"), (removed, "removed")) if n
    ]
    if not counts:
        return ""
    # "2 sentences added, 1 changed": the noun once, after the first number
    (first, verb), rest = counts[0], counts[1:]
    return ", ".join([f"{_count(first, 'sentence')} {verb}", *(f"{n} {v}" for n, v in rest)])


def source_changes(old: VersionRecord, new: VersionRecord) -> list[str]:
    """What changed in the reporting an article rests on, outlet by outlet."""
    before = {s.url: s for s in old.sources}
    after = {s.url: s for s in new.sources}
    added = list(dict.fromkeys(_name(s) for u, s in after.items() if u not in before))
    gone = list(dict.fromkeys(_name(s) for u, s in before.items() if u not in after))
    old_versions, new_versions = dict(old.source_versions), dict(new.source_versions)
    revised = list(
        dict.fromkeys(
            _name(after[u])
            for u, v in new_versions.items()
            if u in after and u in old_versions and v > old_versions[u]
        )
    )
    out = []
    if added:
        out.append(f"updated with reporting from {_and(added)}")
    if revised:
        out.append(f"checked again against the updated report from {_and(revised)}")
    if gone:
        out.append(f"no longer based on {_and(gone)}")
    return out


def _text_of(v: VersionRecord) -> tuple[str, str, tuple[str, ...]]:
    return (v.headline, v.standfirst, tuple(v.paragraphs))


def describe(earlier: Sequence[VersionRecord], new: VersionRecord) -> str:
    """One plain line saying what ``new`` changed from the last of ``earlier``."""
    old = earlier[-1]
    parts: list[str] = []
    if new.desk in DESK_WORDS:
        parts.append(DESK_WORDS[new.desk])
    restored = [v for v in earlier[:-1] if _text_of(v) == _text_of(new) != _text_of(old)]
    if restored:  # an undo on the desk brings an older text back: say so, not a diff
        parts.append(f"restored the text of {dates.human(restored[-1].when)}")
    parts += source_changes(old, new)
    if not restored:
        if new.headline != old.headline:
            parts.append("headline changed")
        if new.standfirst != old.standfirst:
            parts.append("standfirst changed")
        body = body_change(old.paragraphs, new.paragraphs)
        if body:
            parts.append(body)
    if tuple(new.topics) != tuple(old.topics):
        parts.append("topics changed")
    if not parts:  # a new version with the same text and sources (written again)
        parts.append("checked again; the text did not change")
    line = "; ".join(parts)
    line = line[:1].upper() + line[1:] + "."
    if new.desk == "edit" and new.reason.strip():  # a rewrite's brief is for the writer
        line += f" Editor's note: {' '.join(new.reason.split()).rstrip('.')}."
    return line


def updates(versions: Sequence[VersionRecord], published: datetime | None) -> list[ArticleUpdate]:
    """The versions after the first publication, oldest first, each with what it changed.

    Versions made before ``published`` were drafts nobody read (an edit before an editor
    approved it, say): they are folded into the first publication instead of listed.
    """
    ordered = sorted(versions, key=lambda v: v.version)
    if len(ordered) < 2:
        return []
    start = 0
    if published is not None:
        cutoff = dates.as_utc(published)
        for i, v in enumerate(ordered):
            if dates.as_utc(v.when) <= cutoff:
                start = i
    return [
        ArticleUpdate(dates.as_utc(v.when), v.version, describe(ordered[: i + 1], v))
        for i, v in enumerate(ordered[start + 1 :], start=start)
    ]


def entries(page: ArticlePage) -> list[Entry]:
    """The timeline, oldest first: the publication, its updates and its corrections.

    Empty when there is nothing after the publication (the meta line says that much).
    """
    if not page.updates and not page.corrections:
        return []
    later = [Entry(dates.as_utc(u.when), "updated", u.text) for u in page.updates]
    later += [Entry(dates.as_utc(c.when), "correction", c.note) for c in page.corrections]
    later.sort(key=lambda e: (e.when, e.kind))  # stable: the same page, the same order
    first = Entry(dates.as_utc(page.published), "published", "")
    return [first, *later]


def _moment(when: datetime) -> str:
    """ "26 Nov 2026, 14:05 UTC": updates can come hours apart on one day."""
    return f"{dates.human(when)}, {dates.as_utc(when):%H:%M} UTC"


def _item(e: Entry, first_seen: bool) -> str:
    """ "21 Nov 2026, 11:00 UTC: Updated with reporting from …" (the date leads, as in any
    timeline; the publication is dated by day, as the meta line dates it)."""
    if e.kind == "published":
        stamp = f'<time datetime="{dates.iso(e.when)}">{dates.human(e.when)}</time>'
        return f'<li class="tl-published">{stamp}: {dates.date_phrase(first_seen)}.</li>\n'
    text = esc(e.text) if e.kind == "updated" else f"Correction: {esc(e.text)}"
    stamp = f'<time datetime="{dates.iso(e.when)}">{_moment(e.when)}</time>'
    return f'<li class="tl-{e.kind}">{stamp}: {text}</li>\n'


def timeline_html(page: ArticlePage) -> str:
    """The "Timeline" section under an article ("" when there is nothing to list)."""
    items = entries(page)
    if not items:
        return ""
    return (
        '<section class="timeline" aria-labelledby="timeline-heading">\n'
        '<h2 id="timeline-heading">Timeline</h2>\n<ol>\n'
        + "".join(_item(e, page.first_seen) for e in items)
        + "</ol>\n</section>\n"
    )


def feed_html(page: ArticlePage) -> str:
    """Update lines for the article's feed item (corrections have their own lines)."""
    return "".join(
        f"<p><strong>Update, {dates.human(u.when)}:</strong> {esc(u.text)}</p>\n"
        for u in page.updates
    )
