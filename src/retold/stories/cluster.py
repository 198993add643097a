"""Group documents into stories: one event, one or more documents.

Two documents are one story only on real evidence:

- they are near-duplicates (the same wire copy run by two outlets: estimated Jaccard
  of word shingles), whenever each ran; or
- they report the same event in their own words, and every signal agrees: both are
  dated within a few days of each other, use similar vocabulary (TF-IDF cosine), name
  the same distinctive people and organisations, and give the same distinctive figures
  (or agree much more strongly in words and names).

Names and numbers are weighted by inverse document frequency, so the city every
story mentions counts for little and "Aurelia Voss" or "4.2 million" for a lot:
that is what keeps two different stories about the same place apart. Title-case
vocabulary and round figures are not evidence at all: two guides on one topic share
"Cost", "Budget", "10" and "50%" without reporting one event.

All functions are pure; the store keeps signatures and story keys.
"""

from __future__ import annotations

import json
import math
import re
import sys
import zlib
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from retold.ingest.dedup import (
    FINGERPRINT_BYTES,
    FINGERPRINT_TAG,
    NEAR_DUPLICATE,
    PERMUTATIONS,
    fingerprint,
    fingerprint_values,
    is_current_fingerprint,
    similar_rows,
    similarity,
)
from retold.text.numbers import SMALL, TENS
from retold.text.stopwords import CLUSTER_STOPWORDS
from retold.text.words import bare_words, latin_words, wordset

# Measured by training/eval_cluster.py on the sample events and on 418 real pages (both
# halves by id), with IDF from the samples alone and from everything (a newsroom's
# corpus varies). Independent reports of one event score cosine 0.27-0.53, name overlap
# 0.29-0.57 and share 4-5 distinctive figures; the closest unrelated pairs dated within
# the window reach cosine 0.43 with name overlap 0.11 and 2 figures (two moving-company
# guides), or 3 figures with cosine 0.20 and name overlap 0.21-0.24 (two football
# reports): each fails a different test, which is why all are required together.
MIN_COSINE = 0.24
MIN_NAME_OVERLAP = 0.26
MIN_SHARED_NUMBERS = 3
# Without shared figures, only a much closer match in words and names will do.
STRONG_COSINE = 0.45
STRONG_NAME_OVERLAP = 0.4
WINDOW = timedelta(days=4)


StoryKey = Hashable

# Capitalised words that start sentences or name days and months, not entities.
_NOT_NAMES = CLUSTER_STOPWORDS | wordset(
    "monday tuesday wednesday thursday friday saturday sunday january february march "
    "april may june july august september october november december photo reporting "
    "editing "
)
# Number words read as figures ("three" is "3"): two to fifty, and a hundred.
_NUMBER_WORDS = {
    w: str(v) for w, v in {**SMALL, **TENS, "hundred": 100}.items() if 2 <= v <= 50 or v == 100
}
_SCALE = {"thousand": "k", "million": "m", "billion": "bn", "bn": "bn", "m": "m", "k": "k"}
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"\s*(%|per ?cent|thousand|million|billion|bn\b|m\b|k\b)?",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[’'-][A-Za-z]+)*\b")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*[a-z]")


@dataclass(frozen=True)
class DocSignature:
    """What clustering needs to know about one document."""

    key: Hashable
    fingerprint: bytes
    terms: Mapping[str, float]  # sublinear term frequencies of content words
    names: frozenset[str]  # capitalised words that are not sentence furniture, folded
    numbers: frozenset[str]  # normalised figures: "4.2m", "3.5%", "18000"
    published: datetime | None = None


@dataclass(frozen=True)
class StorySignature:
    key: StoryKey
    docs: Sequence[DocSignature]


@dataclass(frozen=True)
class Match:
    """Why two documents were judged one story (for logs and tuning)."""

    near_duplicate: float
    cosine: float
    name_overlap: float
    shared_names: int
    shared_numbers: int  # distinctive figures both texts give (see _distinctive_number)
    days_apart: float | None  # None when either document has no date
    same_story: bool


@dataclass
class Idf:
    """Inverse document frequencies over a corpus of signatures."""

    docs: int = 0
    df: Counter[str] = field(default_factory=Counter)
    # Unit TF-IDF vectors by id(terms), kept with their mapping so the id stays valid:
    # a batch compares every document with many others, and weighting is the slow part.
    _unit: dict[int, tuple[Mapping[str, float], dict[str, float]]] = field(
        default_factory=dict, repr=False
    )

    def add(self, sig: DocSignature) -> None:
        self.docs += 1
        self.df.update(
            set(sig.terms) | {f"@{n}" for n in sig.names} | {f"#{n}" for n in sig.numbers}
        )
        self._unit.clear()  # the weights changed

    def __call__(self, term: str) -> float:
        return math.log((1 + self.docs) / (1 + self.df.get(term, 0))) + 1.0

    def unit_vector(self, terms: Mapping[str, float]) -> dict[str, float]:
        cached = self._unit.get(id(terms))
        if cached is not None and cached[0] is terms:
            return cached[1]
        weighted = {t: w * self(t) for t, w in terms.items()}
        norm = math.sqrt(sum(w * w for w in weighted.values()))
        unit = {t: w / norm for t, w in weighted.items()} if norm else {}
        self._unit[id(terms)] = (terms, unit)
        return unit


def signature(
    key: Hashable, title: str, text: str, published: datetime | None = None
) -> DocSignature:
    """The clustering signature of one document (title counts twice)."""
    body = f"{title}.\n{title}.\n{text}"
    tokens = [t for t in latin_words(body) if t not in CLUSTER_STOPWORDS]
    counts = Counter(tokens)
    terms = {t: 1.0 + math.log(c) for t, c in counts.items()}
    return DocSignature(
        key=key,
        fingerprint=fingerprint(text or title),
        terms=terms,
        names=_names(f"{title}. {text}"),
        numbers=_numbers(f"{title}. {text}"),
        published=published,
    )


# Names the construction of `signature` (with the fingerprint's own tag): stored
# signatures are used only while this matches. Change it whenever `signature`, the
# features below or the words they read change what a signature holds
# (tests/stories/test_cluster.py keeps a digest of the samples' signatures to remind you).
SIGNATURE_CONSTRUCTION = "sig1-" + FINGERPRINT_TAG.hex()


def encode_signature(sig: DocSignature) -> bytes:
    """A signature's content (not its key or date, which the store holds) as bytes."""
    fields = {"t": sig.terms, "n": sorted(sig.names), "u": sorted(sig.numbers)}
    return sig.fingerprint + zlib.compress(json.dumps(fields).encode(), 1)


def decode_signature(key: Hashable, data: bytes, published: datetime | None) -> DocSignature:
    """The signature `encode_signature` stored (ValueError if it is not one)."""
    fp, rest = data[:FINGERPRINT_BYTES], data[FINGERPRINT_BYTES:]
    if not is_current_fingerprint(fp):
        raise ValueError("not a stored signature of this construction")
    try:
        fields = json.loads(zlib.decompress(rest))
    except (zlib.error, UnicodeDecodeError) as err:
        raise ValueError("not a stored signature of this construction") from err
    # A run holds every recent document's signature: shared words and weights are kept
    # once (interned), which halves that memory (19 -> 11 MB per 1,000 documents).
    terms = {sys.intern(t): _WEIGHTS.setdefault(w, w) for t, w in fields["t"].items()}
    return DocSignature(
        key=key,
        fingerprint=fp,
        terms=terms,
        names=frozenset(sys.intern(n) for n in fields["n"]),
        numbers=frozenset(sys.intern(n) for n in fields["u"]),
        published=published,
    )


_WEIGHTS: dict[float, float] = {}  # 1 + log(count): few distinct values


def build_idf(signatures: Iterable[DocSignature]) -> Idf:
    idf = Idf()
    for sig in signatures:
        idf.add(sig)
    return idf


def compare(a: DocSignature, b: DocSignature, idf: Idf) -> Match:
    """Score two documents and decide whether they report the same story."""
    dup = similarity(a.fingerprint, b.fingerprint)
    cos = _cosine(a.terms, b.terms, idf)
    shared = a.names & b.names
    name_overlap = _weighted_overlap(a.names, b.names, idf, "@")
    shared_numbers = len({n for n in a.numbers & b.numbers if _distinctive_number(n)})
    days = _days_apart(a, b)
    return Match(
        dup,
        cos,
        name_overlap,
        len(shared),
        shared_numbers,
        days,
        same_story(dup, cos, name_overlap, shared_numbers, days),
    )


def _days_apart(a: DocSignature, b: DocSignature) -> float | None:
    if a.published is None or b.published is None:
        return None
    return abs((a.published - b.published).total_seconds()) / 86400


def _may_join(a: DocSignature, b: DocSignature) -> bool:
    """A cheap first look: only copies join outside the time window."""
    days = _days_apart(a, b)
    if days is not None and days <= WINDOW.total_seconds() / 86400:
        return True
    return similarity(a.fingerprint, b.fingerprint) >= NEAR_DUPLICATE


def same_story(
    near_duplicate: float,
    cosine: float,
    name_overlap: float,
    shared_numbers: int,
    days_apart: float | None,
) -> bool:
    """The joining rule: copied text, or one event attested by several signals at once.

    A copy is one story whenever it runs. Otherwise every signal must agree: both
    documents dated and close in time (an undated page cannot prove it reports this
    week's event, and vocabulary alone joins every two guides on one topic), similar
    words, the same distinctive names, and, unless words and names agree strongly, the
    same distinctive figures.
    """
    if near_duplicate >= NEAR_DUPLICATE:
        return True
    if days_apart is None or days_apart > WINDOW.total_seconds() / 86400:
        return False
    with_figures = (
        cosine >= MIN_COSINE
        and name_overlap >= MIN_NAME_OVERLAP
        and shared_numbers >= MIN_SHARED_NUMBERS
    )
    without_figures = cosine >= STRONG_COSINE and name_overlap >= STRONG_NAME_OVERLAP
    return with_figures or without_figures


class StoryIndex:
    """The documents of the stories open to new ones, indexed by what any join needs.

    Comparing each new document with every recent one made clustering quadratic: a
    newsroom with 10,000 recent documents spent minutes of every run here. But every
    join needs one of two things, both cheap to look up:

    - a near-duplicate fingerprint (at least half the MinHash values equal): one
      vectorised pass over all of them;
    - a name overlap of at least ``MIN_NAME_OVERLAP`` of the lighter document's name
      weight. Then the two must share one of that document's *key names*: its names
      left when the lightest ones, together under that share of its weight, are set
      aside (prefix filtering, as in set-similarity joins). Sentence openers read as
      names ("Parents", "Officials") are common, so light, so rarely key names, and a
      look-up by key names stays short however many documents there are.

    Only documents found either way are compared in full, in the order a scan of every
    story would meet them, so the answer is the same as comparing with all of them.
    """

    def __init__(self, idf: Idf) -> None:
        self.idf = idf
        self._docs: list[DocSignature] = []
        self._story: list[StoryKey] = []  # story of each document, by position
        self._order: dict[StoryKey, int] = {}  # stories in the order they were added
        self._by_name: dict[str, list[int]] = {}  # every name -> documents
        self._by_key_name: dict[str, list[int]] = {}  # key name -> documents
        self._fps = np.empty((0, PERMUTATIONS), dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, story: StoryKey, doc: DocSignature) -> None:
        """Record that ``doc`` belongs to ``story`` (a new key opens a new story)."""
        at = len(self._docs)
        self._docs.append(doc)
        self._story.append(story)
        self._order.setdefault(story, len(self._order))
        for name in doc.names:
            self._by_name.setdefault(name, []).append(at)
        for name in self._key_names(doc):
            self._by_key_name.setdefault(name, []).append(at)
        if at == len(self._fps):  # grow by doubling: appending row by row is quadratic
            grown = np.empty((max(64, 2 * at), PERMUTATIONS), dtype=np.uint32)
            grown[:at] = self._fps[:at]
            self._fps = grown
        self._fps[at] = fingerprint_values(doc.fingerprint)

    def candidates(self, doc: DocSignature) -> list[int]:
        """Positions of the documents ``doc`` could join, in scan order (story, then doc)."""
        found = {int(i) for i in similar_rows(doc.fingerprint, self._fps[: len(self._docs)])}
        for name in doc.names:  # others whose key names this document names
            found.update(self._by_key_name.get(name, ()))
        for name in self._key_names(doc):  # others naming this document's key names
            found.update(self._by_name.get(name, ()))
        return sorted(found, key=lambda i: (self._order[self._story[i]], i))

    def _key_names(self, doc: DocSignature) -> list[str]:
        """The names any same-event match with a lighter-or-equal document must share."""
        weighted = sorted((self.idf("@" + n), n) for n in doc.names)
        # Set aside the lightest names while their weight stays under the share a match
        # needs (a hair under, so rounding can never set aside one it should keep).
        budget = min(MIN_NAME_OVERLAP, STRONG_NAME_OVERLAP) * sum(w for w, _ in weighted)
        budget *= 1 - 1e-9
        aside = 0.0
        for k, (weight, _) in enumerate(weighted):
            if aside + weight >= budget:
                return [n for _, n in weighted[k:]]
            aside += weight
        return []

    def assign(self, doc: DocSignature) -> StoryKey | None:
        """The key of the story ``doc`` belongs to, or None for a new story."""
        best: tuple[float, StoryKey] | None = None
        for i in self.candidates(doc):
            other = self._docs[i]
            if not _may_join(doc, other):
                continue
            match = compare(doc, other, self.idf)
            if match.same_story:
                strength = max(match.near_duplicate, match.cosine)
                if best is None or strength > best[0]:
                    best = (strength, self._story[i])
        return best[1] if best else None


def assign(
    doc: DocSignature, candidates: Sequence[StorySignature], idf: Idf | None = None
) -> StoryKey | None:
    """The key of the story `doc` belongs to, or None for a new story.

    `idf` should come from a corpus of recent documents; without one it is built
    from `doc` and the candidates' documents.
    """
    if idf is None:
        idf = build_idf([doc, *(d for story in candidates for d in story.docs)])
    index = StoryIndex(idf)
    for story in candidates:
        for other in story.docs:
            index.add(story.key, other)
    return index.assign(doc)


def cluster(docs: Sequence[DocSignature]) -> list[list[Hashable]]:
    """Group a batch of documents into stories, oldest first; keys in each group in input order."""
    index = StoryIndex(build_idf(docs))
    order = sorted(
        range(len(docs)),
        key=lambda i: (docs[i].published is None, docs[i].published or datetime.min, i),
    )
    members: dict[StoryKey, list[int]] = {}
    for i in order:
        key = index.assign(docs[i])
        if key is None:
            key = len(members)
            members[key] = []
        members[key].append(i)
        index.add(key, docs[i])
    groups = [sorted(idx) for idx in members.values()]
    groups.sort(key=lambda g: g[0])
    return [[docs[i].key for i in g] for g in groups]


# --- features -----------------------------------------------------------------------


def _names(text: str) -> frozenset[str]:
    """Capitalised words the text never writes in lower case.

    A word that also appears in lower case ("Cost" in a heading, "cost" in a sentence;
    "Fall" starting a sentence) is ordinary vocabulary in title case, not a name: counting
    it would make every two guides on one topic look like reports of one event.
    """
    lower = {m.group(0).replace("’", "'") for m in _LOWER_WORD.finditer(text)}
    names: set[str] = set()
    for m in _NAME.finditer(text):
        word = m.group(0).replace("’", "'")
        folded = word.lower()
        if folded.endswith("'s"):
            folded = folded[:-2]
        if folded in _NOT_NAMES or len(folded) < 3 or folded in lower:
            continue
        names.add(folded)
    return frozenset(names)


def _numbers(text: str) -> frozenset[str]:
    found: set[str] = set()
    lowered = text.lower()
    for m in _NUMBER.finditer(lowered):
        value = m.group(1).replace(",", "")
        unit = (m.group(2) or "").replace(" ", "")
        unit = "%" if unit in ("%", "percent", "per cent") else _SCALE.get(unit, unit)
        try:
            number = float(value)
        except ValueError:
            continue
        text_value = f"{number:g}" if number < 1e15 else value
        found.add(text_value + unit)
    # One pass over the words, not one search per number word.
    for word in bare_words(lowered) & _NUMBER_WORDS.keys():
        found.add(_NUMBER_WORDS[word])
    return frozenset(found)


def _trivial_number(n: str) -> bool:
    """Small bare counts and years say little about which event a text reports."""
    if not n.replace(".", "", 1).isdigit():
        return False
    value = float(n)
    return value < 10 or (1900 <= value <= 2100 and value.is_integer())


def _distinctive_number(n: str) -> bool:
    """A figure two unrelated texts rarely share by chance: not trivial, not round.

    Round figures (10, 50, 15, 250, 25%, 10,000, 5m) are everywhere in guides and
    listicles; 734, 4.2m or 18.5% come from one event's facts.
    """
    if _trivial_number(n):
        return False
    digits = re.sub(r"\D", "", n).lstrip("0").rstrip("0")
    return len(digits) >= 3 or (len(digits) == 2 and not digits.endswith("5"))


def _cosine(a: Mapping[str, float], b: Mapping[str, float], idf: Idf) -> float:
    if not a or not b:
        return 0.0
    ua, ub = idf.unit_vector(a), idf.unit_vector(b)
    if len(ub) < len(ua):
        ua, ub = ub, ua
    return sum(w * ub[t] for t, w in ua.items() if t in ub)


def _weighted_overlap(a: frozenset[str], b: frozenset[str], idf: Idf, prefix: str) -> float:
    if not a or not b:
        return 0.0
    shared = sum(idf(prefix + n) for n in a & b)
    smaller = min(sum(idf(prefix + n) for n in a), sum(idf(prefix + n) for n in b))
    return shared / smaller if smaller else 0.0
