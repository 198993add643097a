"""The extractive writer: an article built only from sentences copied out of the sources.

Faithful by construction: every body sentence is a verbatim source sentence (or a
quotation kept whole), so the checker can trace each one. The algorithm:

1. segment each document into units (sentences; a quotation spanning several
   sentences is one unit), dropping junk ("Read more", captions, bylines);
2. rank units with LexRank over TF-IDF, personalised by a lead bias and by
   similarity to the title (news puts the point first);
3. pick units with MMR across all documents, so a fact told by two outlets is
   told once, never a sentence that leans on one we left out ("He said …");
4. put them back in source order and group them into 3–6 short paragraphs;
5. copy little: at most ``MAX_COPIED_SENTENCES`` sentences, standfirst included, and at
   most ``MAX_SOURCE_SHARE`` of any one source's words, so the article sends readers to
   the original rather than standing in for it.

Bounded by input size: only the first ``MAX_SOURCE_CHARS`` characters and ``MAX_UNITS_PER_DOC``
units of a document are considered (news puts the point first), at most ``MAX_UNITS`` in a
story, so time and memory per story have a ceiling whatever the page size (a 4.9 MB page
once built a 50,000 × 50,000 similarity matrix and took the process down).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retold.records import Draft, SourceDoc
from retold.text.clip import clip_text
from retold.text.numbers import SCALES, SMALL, TENS
from retold.text.scripts import word_count
from retold.text.sentences import ends_sentence, join_sentences, sentence_spans
from retold.text.words import wordset
from retold.write import standfirst as standfirst_text
from retold.write.backend import WriteBrief
from retold.write.headlines import (
    clean_headline,
    headline_from_lede,
    looks_like_clickbait,
    shorten,
)
from retold.write.ranking import lexrank, mmr_select, sparse_gram, tfidf_gram, tfidf_matrix
from retold.write.teasers import make_teaser
from retold.write.topics import pick_topics

ALGORITHM_VERSION = "extractive-v2"  # v2: the standfirst comes from the lead
MAX_STANDFIRST = 160
# The caps that bound a story's work (the similarity matrix is MAX_UNITS² at most).
MAX_UNITS_PER_DOC = 400
MAX_UNITS = 1000
MIN_UNITS_PER_DOC = 20  # so a story of many documents still reads past each lede
MAX_UNIT_CHARS = 5000  # a longer "sentence" is a run-on page fragment: never picked
# What a copy may take, so the article points to the original rather than replacing it:
# at most five sentences in all (standfirst included), and at most 30% of any one
# source's words.
MAX_COPIED_SENTENCES = 5
MAX_SOURCE_SHARE = 0.30

_JUNK = re.compile(
    r"\b(?:read\s+more|click\s+here|sign\s+up|subscribe|newsletter|follow\s+us|share\s+this"
    r"|all\s+rights\s+reserved|cookie|advertisement|sponsored|related\s*:|see\s+also"
    r"|watch\s+the\s+video|download\s+(?:our|the)\s+app|log\s+in|photo\s*:|image\s*:"
    r"|credit\s*:|getty\s+images|contact\s+the\s+(?:author|newsroom))\b|©|https?://|www\.|@\w+\.\w",
    re.IGNORECASE,
)
# A first word that points back at something earlier: the unit needs its predecessor.
_DANGLING = wordset(
    """
    he she it they him her them his its their this that these those there such but and or so
    however also meanwhile moreover furthermore nevertheless nonetheless still yet instead
    besides likewise similarly then thus hence therefore otherwise indeed additionally
    """
)
# A wire dateline before the lede: "HARROWMERE, Nov 19 (Metro Wire) - ".
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{2,40}(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?\s+[-–—]\s+"
)
# "On Thursday, that changed" / "One of them is …" / "The storm also …": leans back.
_LEANS_BACK = re.compile(
    r"^[\"“‘(]*(?:(?:\S+\s+){1,4}also\b"
    r"|(?:\w+\s+){0,3}\w+,\s+(?:that|this|it|these|those|they|he|she)\s"
    r"|(?:one|some|many|most|all|both|each|none|several|two|three)\s+of\s+(?:them|those|these)\b)",
    re.IGNORECASE,
)
_NUMBER_WORDS = wordset(
    """
    half third quarter percent
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """
)
_FACT_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+", re.IGNORECASE)
_PRONOUN_ATTRIBUTION = re.compile(
    r"[,.?!][”\"]\s+(?:he|she|they|it)\s+(?:said|says|added|told|explained|continued|warned"
    r"|insisted|argued|noted|wrote|asked)\b",
    re.IGNORECASE,
)
_CLAUSE_CUT = re.compile(
    r",\s+(?:after|when|while|which|who|as|but|because|according\s+to|making|with|despite"
    r"|amid|following|before|until|where|although|though|saying|leaving|including|forcing"
    r"|prompting|meaning)\b|;\s|\s[–—]\s|:\s|,\s+(?:the|a|an)\s"
)


@dataclass(frozen=True)
class Unit:
    """A sentence, or a quotation kept whole, from one document."""

    doc: int
    position: int  # index among the document's units
    paragraph: int
    text: str
    words: int
    quote: bool
    dangling: bool
    junk: bool


def _quote_balance(text: str) -> int:
    curly = text.count("“") - text.count("”")
    straight = text.count('"') % 2
    return curly + straight


def document_units(doc_index: int, text: str, limit: int = MAX_UNITS_PER_DOC) -> list[Unit]:
    """The first ``limit`` units of one document, in order."""
    text = clip_text(text)
    units: list[Unit] = []
    pending: list[str] = []
    pending_para = -1
    balance = 0

    def flush() -> None:
        nonlocal pending, balance
        if pending:
            text = " ".join(pending)
            units.append(_make_unit(doc_index, len(units), pending_para, text, balance))
        pending, balance = [], 0

    for span in sentence_spans(text):
        if len(units) >= limit:
            break
        if pending and span.paragraph != pending_para:
            flush()  # an unclosed quotation never runs across paragraphs
        if not pending:
            pending_para = span.paragraph
        piece = _DATELINE.sub("", span.text) if span.paragraph == 0 else span.text
        pending.append(piece)
        balance += _quote_balance(span.text)
        if balance <= 0:
            flush()
    flush()
    return units[:limit]


def _make_unit(doc: int, position: int, paragraph: int, text: str, balance: int) -> Unit:
    words = word_count(text)
    first = re.sub(r"^[\"“‘'(\[]+", "", text).split(" ", 1)[0].lower().strip(",;:")
    quote = any(q in text for q in '“”"')
    starts_with_quote = text[:1] in '“"'
    attributed = re.search(
        r"\b(?:said|says|told|added|according|explained|wrote|asked|warned)\b", text
    )
    dangling = (
        first in _DANGLING
        or bool(_LEANS_BACK.match(text))
        or bool(_PRONOUN_ATTRIBUTION.search(text))
        or (starts_with_quote and not attributed)
    )
    junk = (
        bool(_JUNK.search(text))
        or balance > 0  # a quotation that never closes
        or words < 4
        or words > 80
        or not ends_sentence(text)  # headings, captions, bylines
        or len(text) > MAX_UNIT_CHARS
    )
    return Unit(doc, position, paragraph, text, words, quote, dangling, junk)


def facts(text: str) -> frozenset[str]:
    """The checkable particulars of a sentence: numbers (words or digits), dates, amounts."""
    toks = _FACT_TOKEN.findall(text.lower().replace("-", " "))
    out: set[str] = set()
    i = 0
    while i < len(toks):
        tok = toks[i]
        value: float | None = None
        if tok[0].isdigit():
            try:
                value = float(tok.replace(",", ""))
            except ValueError:
                value = None
        elif tok in TENS:
            value = TENS[tok]
            if i + 1 < len(toks) and toks[i + 1] in SMALL:
                value += SMALL[toks[i + 1]]
                i += 1
        elif tok in SMALL and tok != "one":  # "one of the" is not a fact
            value = SMALL[tok]
        elif tok in _NUMBER_WORDS and tok not in SCALES:
            out.add(tok)  # months, weekdays, "half", "percent"
        if value is not None:
            if i + 1 < len(toks) and toks[i + 1] in SCALES:
                value *= SCALES[toks[i + 1]]
                i += 1
            out.add(f"{value:g}")
        i += 1
    return frozenset(out)


def fact_overlap(units: Sequence[Unit]) -> np.ndarray:
    """R[p, j]: the share of unit j's facts that unit p already tells.

    Facts that most units mention (the story's year) say nothing about
    redundancy and are ignored; a unit with fewer than two facts scores 0.
    """
    fs = [facts(u.text) for u in units]
    n = len(units)
    counts: dict[str, int] = {}
    for f in fs:
        for x in f:
            counts[x] = counts.get(x, 0) + 1
    common = {x for x, c in counts.items() if c > max(3, 0.3 * n)}
    fs = [f - common for f in fs]
    # |fs[p] ∩ fs[j]| for every pair at once, as a product of 0/1 fact vectors (in blocks,
    # so a page full of numbers can't make it n × facts in memory).
    ids: dict[str, int] = {}
    rows = [p for p, f in enumerate(fs) for _ in f]
    cols = [ids.setdefault(x, len(ids)) for f in fs for x in f]
    shared, _ = sparse_gram(
        n,
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        np.ones(len(cols)),
        len(ids),
    )
    sizes = np.array([len(f) for f in fs], dtype=np.float64)
    r = np.zeros((n, n))
    targets = sizes >= 2
    r[:, targets] = shared[:, targets] / sizes[targets]
    np.fill_diagonal(r, 0.0)
    return r


def trim_sentence(sentence: str, limit: int) -> str:
    """A sentence cut to ``limit`` chars at a clause boundary, ending with a full stop."""
    s = sentence.strip()
    if len(s) <= limit:
        return s
    best = -1
    for m in _CLAUSE_CUT.finditer(s):
        if 40 <= m.start() <= limit - 1 and _quote_balance(s[: m.start()]) <= 0:
            best = m.start()
    if best > 0:
        return s[:best].rstrip(" ,;:–—") + "."
    return shorten(s, limit - 1) + "…"


def _target_words(brief: WriteBrief, source_words: int, n_docs: int) -> int:
    per_story = source_words / max(1.0, n_docs**0.5)
    target = max(brief.min_words + 60, int(0.4 * per_story))
    return int(min(brief.max_words * 0.8, target))


def write_extractive(docs: Sequence[SourceDoc], brief: WriteBrief, *, capped: bool = True) -> Draft:
    """An article made only of source sentences (see the module docstring). ``capped=False``
    lifts the copying caps, for a plan that a model retells sentence by sentence."""
    # A story of very many documents: the first ones, each still read past its lede.
    docs = list(docs[: MAX_UNITS // MIN_UNITS_PER_DOC])
    per_doc = min(MAX_UNITS_PER_DOC, max(MIN_UNITS_PER_DOC, MAX_UNITS // max(1, len(docs))))
    units = [u for i, d in enumerate(docs) for u in document_units(i, d.text, per_doc)]
    titles = [d.title for d in docs]
    # Only imagine mode (or nothing but excerpts, which reach a writer only in that mode)
    # makes an imagined draft: an empty one is just empty, and the stage skips it.
    imagined = brief.imagine or all(d.excerpt_only for d in docs)
    site_names = [d.site_name for d in docs]
    all_text = "\n\n".join(clip_text(d.text) for d in docs)

    if not units:
        headline = _best_title(docs, [], False) or "Untitled story"
        return Draft(
            headline=headline,
            standfirst="",
            paragraphs=[],
            teaser=make_teaser(headline, all_text, site_names, url=_url(docs), imagined=imagined),
            topics=pick_topics(" ".join(titles), all_text, brief.category),
            backend="extractive",
            prompt_version=ALGORITHM_VERSION,
            imagined=imagined,
            note="The sources had no usable sentences.",
        )

    n = len(units)
    gram = tfidf_gram([u.text[:MAX_UNIT_CHARS] for u in units] + titles)
    sim = gram[:n, :n]
    title_sim = np.array([float(gram[i, n + u.doc]) for i, u in enumerate(units)])
    lead = np.array([1.0 / (1.0 + u.position) ** 0.5 for u in units])
    prior = lead * (0.4 + title_sim)
    scores = lexrank(sim, prior)
    length = np.array([0.5 if u.words < 8 else (0.75 if u.words > 50 else 1.0) for u in units])
    # A quotation with its speaker named gives an article a human voice.
    voice = np.array([1.3 if u.quote and not u.dangling else 1.0 for u in units])
    scores = scores * length * voice
    eligible = [not u.junk for u in units]

    standfirst, used, origin = _standfirst(units, scores, eligible)
    # A feed's own excerpt (imagine mode) is published for syndication: no share applies.
    share = 1.0 if imagined or not capped else MAX_SOURCE_SHARE
    allowance = [int(share * word_count(d.text)) for d in docs]
    sentences_left = MAX_COPIED_SENTENCES if capped else MAX_UNITS
    if origin is not None:
        taken = word_count(standfirst)
        if taken > allowance[units[origin].doc]:
            standfirst, used = "", None  # a very short source: the dek alone would be too much
        else:
            allowance[units[origin].doc] -= taken
            sentences_left -= 1
    if sum(eligible) <= 4:
        used = None  # too little to spare: the body may repeat the dek

    source_words = sum(u.words for u in units)
    target = _target_words(brief, source_words, len(docs))
    index = {(u.doc, u.position): i for i, u in enumerate(units)}
    words_so_far = [0]
    budget = {"sentences": sentences_left}

    def predecessor(i: int) -> int | None:
        u = units[i]
        return index.get((u.doc, u.position - 1))

    def weight(i: int, chosen: list[int]) -> float:
        if units[i].dangling and predecessor(i) not in chosen:
            return 0.15
        return 1.0

    def fits(i: int, chosen: list[int]) -> bool:
        if i == used:
            return False
        if units[i].dangling and predecessor(i) not in chosen:
            return False
        u = units[i]
        if words_so_far[0] + u.words > brief.max_words or u.words > allowance[u.doc]:
            return False
        sentences = _sentence_count(u.text)
        if sentences > budget["sentences"]:
            return False
        words_so_far[0] += u.words
        allowance[u.doc] -= u.words
        budget["sentences"] -= sentences
        return True

    def done(chosen: list[int]) -> bool:
        return words_so_far[0] >= target or budget["sentences"] <= 0

    # The same fact in other words (two outlets, or a recap) counts as redundant.
    redundancy = np.maximum(sim, fact_overlap(units) * 1.05)
    picked = mmr_select(
        scores.tolist(),
        redundancy,
        lam=0.72,
        max_redundancy=0.5,
        eligible=eligible,
        weight=weight,
        fits=fits,
        done=done,
    )
    if not picked and origin is not None and units[origin].text == standfirst:
        picked, standfirst = [origin], ""  # a short source: its one sentence is the article
    paragraphs = _paragraphs(units, picked, brief)
    headline = _best_title(docs, units, bool(picked))
    if not headline:
        # No usable title: the article's opening sentence says what happened.
        headline = _headline_from(units[min(picked)].text if picked else standfirst)

    notes = []
    words = sum(word_count(p) for p in paragraphs)
    if words < brief.min_words and source_words * share < brief.min_words:
        notes.append(f"The sources were short: {words} words retold.")
    return Draft(
        headline=headline,
        standfirst=standfirst,
        paragraphs=paragraphs,
        teaser=make_teaser(headline, all_text, site_names, url=_url(docs), imagined=imagined),
        topics=pick_topics(headline + " " + " ".join(titles), all_text, brief.category),
        backend="extractive",
        prompt_version=ALGORITHM_VERSION,
        imagined=imagined,
        note=" ".join(notes),
    )


def _url(docs: Sequence[SourceDoc]) -> str:
    return docs[0].url if docs else ""


def _sentence_count(text: str) -> int:
    return max(1, len(sentence_spans(text)))


def _standfirst(
    units: Sequence[Unit], scores: np.ndarray, eligible: Sequence[bool]
) -> tuple[str, int | None, int | None]:
    """The dek, the unit it copies whole (so the body doesn't repeat it) and the unit it
    comes from (whole or cut at a clause), whose source it counts against.

    The lead's most central sentence, with whole clauses dropped if it is too long (see
    write/standfirst.py); only when no lead sentence fits does the old choice apply.
    """
    lead = _lead_units(units, eligible)
    # The ledes first (the most central of them first), then the second sentences, ...
    ranked = [int(i) for i in np.argsort(-scores, kind="stable")]
    ranked.sort(key=lambda i: lead.get(i, standfirst_text.LEAD_UNITS))
    candidates = [
        (i, _DATELINE.sub("", units[i].text))
        for i in ranked
        if i in lead and not units[i].dangling and units[i].text[:1] not in "\"“‘'"
    ]
    chosen = standfirst_text.choose(candidates, MAX_STANDFIRST)
    if chosen is not None:
        i, text = chosen
        return text, (i if text == _DATELINE.sub("", units[i].text) else None), i
    order = [i for i in np.argsort(-scores) if eligible[i] and not units[i].quote]
    order = [int(i) for i in order if not units[i].dangling][:4] or [int(i) for i in order[:1]]
    if not order:
        return "", None, None
    top = units[order[0]]
    if len(top.text) <= MAX_STANDFIRST and top.words >= 8:
        return top.text, order[0], order[0]
    trimmed = trim_sentence(top.text, MAX_STANDFIRST)
    if not trimmed.endswith("…"):
        return trimmed, None, order[0]  # the lede cut at a clause says it best
    for i in order[1:3]:
        if len(units[i].text) <= MAX_STANDFIRST and units[i].words >= 8:
            return units[i].text, i, i
    return trimmed, None, order[0]


def _lead_units(units: Sequence[Unit], eligible: Sequence[bool]) -> dict[int, int]:
    """The first few usable sentences of each source (bylines and captions don't count),
    each with its place in its source's lead (0 for the lede)."""
    lead: dict[int, int] = {}
    taken: dict[int, int] = {}
    for i in sorted(range(len(units)), key=lambda i: (units[i].doc, units[i].position)):
        place = taken.get(units[i].doc, 0)
        if eligible[i] and place < standfirst_text.LEAD_UNITS:
            lead[i] = place
            taken[units[i].doc] = place + 1
    return lead


def _headline_from(sentence: str) -> str:
    return headline_from_lede(sentence) or "Untitled story"


def _best_title(docs: Sequence[SourceDoc], units: Sequence[Unit], picked: bool) -> str:
    # Titles are shortened only where a clause ends, never cut mid-phrase (see headlines).
    cleaned = [clean_headline(d.title, d.site_name, url=d.url) for d in docs]
    usable = [c for c in cleaned if c and not looks_like_clickbait(c)]
    if not usable:
        return ""
    if not picked or len(usable) == 1:
        return usable[0]
    mat = tfidf_matrix(usable + [" ".join(u.text for u in units)])
    sims = mat[:-1] @ mat[-1]
    # Short, central titles win.
    best = max(range(len(usable)), key=lambda i: (sims[i], -len(usable[i])))
    return usable[best]


def _paragraphs(units: Sequence[Unit], picked: Sequence[int], brief: WriteBrief) -> list[str]:
    """Picked units in source order, grouped into short paragraphs."""
    if not picked:
        return []
    chosen = set(picked)
    lengths: dict[int, int] = {}
    for u in units:
        lengths[u.doc] = max(lengths.get(u.doc, 0), u.position + 1)
    ordered = sorted(
        picked, key=lambda i: (units[i].position / lengths[units[i].doc], units[i].doc)
    )
    # Chains: a dependent unit stays glued to its predecessor.
    chains: list[list[int]] = []
    by_key = {(units[i].doc, units[i].position): i for i in chosen}
    placed: set[int] = set()
    for i in sorted(picked, key=lambda i: (units[i].doc, units[i].position)):
        u = units[i]
        prev = by_key.get((u.doc, u.position - 1))
        if u.dangling and prev is not None and prev in placed:
            for chain in chains:
                if chain[-1] == prev:
                    chain.append(i)
                    break
        else:
            chains.append([i])
        placed.add(i)
    rank = {i: k for k, i in enumerate(ordered)}
    chains.sort(key=lambda c: rank[c[0]])

    total = sum(units[i].words for c in chains for i in c)
    n_para = max(brief.min_paragraphs, min(brief.max_paragraphs, round(total / 70)))
    n_para = min(n_para, len(chains))
    groups: list[list[list[int]]] = []
    per = total / n_para
    acc = 0
    for k, chain in enumerate(chains):
        left = len(chains) - k
        slots = n_para - len(groups)
        if not groups or (slots > 0 and (acc >= per * 0.75 or left <= slots)):
            groups.append([])
            acc = 0
        groups[-1].append(chain)
        acc += sum(units[i].words for i in chain)
    return [join_sentences([units[i].text for chain in g for i in chain]) for g in groups]
