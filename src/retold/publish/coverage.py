"""Who covered a story: independent outlets (wire copies merged), and what rests on whom.

Pure functions. An outlet that reprints an agency's copy is not independent confirmation:
two documents that share most of their opening sentences are one report, whichever sites
carry them, and so are two documents from the same site.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from retold.text.sentences import match_key, split_sentences
from retold.text.words import words_and_figures

# Only the opening is compared: wire copies keep the agency's lede even when a site trims
# or extends the end, and this bounds the work per document.
OPENING_CHARS = 2000
MIN_WORDS = 6  # short sentences ("He said no.") are shared by chance
COPY_SHARE = 0.5  # share of the smaller opening's sentences found in the other


@dataclass(frozen=True, slots=True)
class OutletDoc:
    host: str
    when: datetime
    fingerprint: frozenset[int]


def fingerprint(text: str) -> frozenset[int]:
    """Hashes of the opening's longer sentences, folded as the checker folds them."""
    out: set[int] = set()
    for sentence in split_sentences(text[:OPENING_CHARS]):
        if len(sentence.split()) >= MIN_WORDS:
            out.add(zlib.crc32(match_key(sentence).encode()))
    return frozenset(out)


def is_copy(a: frozenset[int], b: frozenset[int]) -> bool:
    if not a or not b:
        return False
    return len(a & b) >= COPY_SHARE * min(len(a), len(b))


def independent_groups(docs: Sequence[OutletDoc]) -> list[list[int]]:
    """Indexes of ``docs`` grouped into independent reports (union of copies and hosts)."""
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            same_host = bool(docs[i].host) and docs[i].host == docs[j].host
            if same_host or is_copy(docs[i].fingerprint, docs[j].fingerprint):
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def outlet_times(docs: Sequence[OutletDoc]) -> tuple[datetime, ...]:
    """When each independent report first appeared, earliest first."""
    return tuple(sorted(min(docs[i].when for i in g) for g in independent_groups(docs)))


_HOST = re.compile(r"^(?:www\.)")


def outlet_host(host: str) -> str:
    return _HOST.sub("", host.lower())


# -- who reports what ----------------------------------------------------------------------

# Short and common words say nothing about which outlet reported a fact.
_MIN_WORD = 4
_SUPPORT_SHARE = 0.7  # of a sentence's content words an outlet's text must hold


def words_of(text: str) -> frozenset[str]:
    """The words and numbers of a text, folded, that can tie a sentence to it."""
    # each distinct token tested once (a text repeats most of its words)
    unique = set(words_and_figures(text))
    return frozenset([t for t in unique if len(t) >= _MIN_WORD or t[0].isdigit()])


@dataclass(frozen=True, slots=True)
class Report:
    """One outlet's document of a story, as the coverage box shows it."""

    outlet: str  # the outlet's name (site name, else host)
    url: str
    title: str
    when: datetime | None
    words: frozenset[str]  # see words_of; what the outlet's text says, for support
    copy_of: str = ""  # the outlet whose report this one reprints (a wire copy), if any


def reports_for(sentence: str, evidence_url: str, reports: Sequence[Report]) -> tuple[int, ...]:
    """Indexes of the reports a sentence rests on: the checker's evidence, and every other
    report holding its numbers and most of its words."""
    needed, numbers = _sentence_words(sentence)
    found = []
    for i, report in enumerate(reports):
        if evidence_url and report.url == evidence_url:
            found.append(i)
            continue
        if not needed or not numbers <= report.words:
            continue
        if len(needed & report.words) >= _SUPPORT_SHARE * len(needed):
            found.append(i)
    return tuple(found)


@functools.lru_cache(maxsize=65536)
def _sentence_words(sentence: str) -> tuple[frozenset[str], frozenset[str]]:
    """A sentence's words and numbers (cached: every build asks again for every article)."""
    needed = words_of(sentence)
    return needed, frozenset(w for w in needed if w[0].isdigit())


def reports_digest(reports: Sequence[Report]) -> bytes:
    """A stable digest of every field of ``reports``: the coverage box's input from the store.

    Word sets are sorted (a frozenset's order changes with each process's string hashing).
    """
    from retold.publish.digest import of_values  # see coverage_html on imports

    return of_values(
        tuple(
            (
                r.outlet,
                r.url,
                r.title,
                None if r.when is None else r.when.isoformat(),
                tuple(sorted(r.words)),
                r.copy_of,
            )
            for r in reports
        )
    )


@dataclass(frozen=True, slots=True)
class OutletRow:
    outlet: str
    url: str
    title: str
    when: datetime | None
    sentences: tuple[int, ...]  # 1-based numbers of the article's sentences resting on it
    copy_of: str = ""


@dataclass(frozen=True, slots=True)
class Coverage:
    outlets: tuple[OutletRow, ...]
    single: tuple[tuple[int, str], ...]  # (sentence number, the one outlet) for lone facts
    unplaced: tuple[int, ...]  # sentences no outlet's text could be tied to


def coverage(sentences: Sequence[tuple[str, str]], reports: Sequence[Report]) -> Coverage | None:
    """Who covered the story and what rests on whom; None unless two outlets or more.

    ``sentences`` are the article's body sentences as (text, evidence url), in order.
    """
    names = list(dict.fromkeys(r.outlet for r in reports))
    if len(names) < 2:
        return None
    resting: dict[str, list[int]] = {name: [] for name in names}
    single: list[tuple[int, str]] = []
    unplaced: list[int] = []
    for number, (text, url) in enumerate(sentences, start=1):
        outlets = list(dict.fromkeys(reports[i].outlet for i in reports_for(text, url, reports)))
        for name in outlets:
            resting[name].append(number)
        if len(outlets) == 1:
            single.append((number, outlets[0]))
        elif not outlets:
            unplaced.append(number)
    rows = []
    for name in names:
        first = min(
            (r for r in reports if r.outlet == name),
            key=lambda r: (r.when is None, r.when or datetime.min, r.url),
        )
        rows.append(
            OutletRow(name, first.url, first.title, first.when, tuple(resting[name]), first.copy_of)
        )
    return Coverage(tuple(rows), tuple(single), tuple(unplaced))


def _numbers(ns: Sequence[int]) -> str:
    """ "1, 3 and 4", each number a link to the sentence's evidence note."""
    words = [f'<a href="#note-{n}">{n}</a>' for n in ns]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def coverage_html(cov: Coverage) -> str:
    """The "Covered by N outlets" box of a multi-source article (escaped parts only)."""
    # Imported here: publish.dates/markup/urls import nothing of ours, but keep this module
    # importable by the store without the publisher's rendering helpers at import time.
    from retold.publish import dates, urls
    from retold.publish.markup import esc

    rows = []
    for row in cov.outlets:
        href = urls.source_href(row.url)
        title = esc(row.title or row.url)
        head = f'<a href="{esc(href)}">{title}</a>' if href else title
        when = (
            f' · <time datetime="{dates.iso(row.when)}">{dates.human(row.when)}</time>'
            if row.when
            else ""
        )
        rests = (
            f"Sentence{'s' if len(row.sentences) > 1 else ''} {_numbers(row.sentences)} "
            f"rest{'' if len(row.sentences) > 1 else 's'} on it."
            if row.sentences
            else "No sentence here rests on it alone."
        )
        copy = f" (the same report as {esc(row.copy_of)}’s)" if row.copy_of else ""
        rows.append(
            f'<li><strong class="outlet">{esc(row.outlet)}</strong>: {head}{when}{copy}'
            f'<br><span class="rests">{rests}</span></li>\n'
        )
    single = "".join(
        f'<li>Sentence <a href="#note-{n}">{n}</a>: only {esc(outlet)} reports it.</li>\n'
        for n, outlet in cov.single
    )
    copies = sum(1 for row in cov.outlets if row.copy_of)
    n = len(cov.outlets) - copies
    independent = f" ({n} independent report{'s' if n > 1 else ''})" if copies else ""
    parts = [
        '<section class="coverage" aria-labelledby="coverage-heading">\n'
        f'<h2 id="coverage-heading">Covered by {len(cov.outlets)} outlets{independent}</h2>\n'
        '<p class="coverage-intro">Sentence numbers are those of the evidence notes above; '
        "a sentence rests on the outlet the checker found it in and on every other outlet "
        "whose report holds its numbers and most of its words.</p>\n"
        f'<ul class="coverage-list">\n{"".join(rows)}</ul>\n'
    ]
    if single:
        parts.append(
            '<h3 class="single-heading">Reported by one outlet only</h3>\n'
            f'<ul class="single-source">\n{single}</ul>\n'
        )
    parts.append("</section>\n")
    return "".join(parts)


def mark_copies(reports: Sequence[Report], openings: Sequence[str]) -> tuple[Report, ...]:
    """``reports`` with ``copy_of`` set on each that reprints an earlier one (see is_copy)."""
    docs = [
        OutletDoc(r.outlet.lower(), r.when or datetime.max, fingerprint(o))
        for r, o in zip(reports, openings, strict=True)
    ]
    marked = list(reports)
    for group in independent_groups(docs):
        first = min(group, key=lambda i: (docs[i].when, i))
        for i in group:
            if i != first and reports[i].outlet != reports[first].outlet:
                r = reports[i]
                marked[i] = Report(r.outlet, r.url, r.title, r.when, r.words, reports[first].outlet)
    return tuple(marked)
