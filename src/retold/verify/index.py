"""What the checker knows about one source document, built once per text and cached.

Units are the document's sentences and its two-sentence windows. Sentences are embedded;
a window's vector is the normalised sum of its two sentences' vectors, which ranks
windows almost exactly as embedding them would, at no extra model cost.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from retold.relate.embeddings import TokenStates
from retold.text.paragraphs import unwrapped_sentences
from retold.text.stem import content_stems, stem
from retold.text.words import words
from retold.verify import copied, names, numbers
from retold.verify.bm25 import BM25
from retold.verify.quotes import canonical_source


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenStates]]: ...


@dataclass
class SourceIndex:
    url: str
    units: list[str]  # sentences, then windows
    unit_tokens: list[list[str]]
    unit_stems: list[set[str]]
    vectors: np.ndarray  # (len(units), dim), unit length
    token_vectors: list[np.ndarray]  # per sentence: its word pieces' states
    bm25: BM25
    stems: set[str]  # content stems of the whole document
    bigrams: set[tuple[str, str]]
    words: set[str]  # every word, lower-cased (names check)
    caps: set[str]  # words written capitalised mid-sentence
    canonical: str  # for quote search
    quantities: list[list[numbers.Quantity]]  # per unit
    name_neighbours: names.Neighbours  # the words written next to each name
    name_slots: list[list[names.Slot]]  # per sentence: where each name stands
    slot_set: set[names.Slot]  # all of them
    unit_names: list[set[str]]  # per unit: its words as the names check reads them
    normal_units: list[str]  # per unit: its copied.normal_form, one line
    paragraphs: list[copied.Paragraph]  # for finding sentences copied word for word


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    stems = [stem(t) for t in tokens]
    return set(zip(stems, stems[1:], strict=False))


def _units(sentences: list[str]) -> list[str]:
    windows = [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
    return sentences + windows


def build(
    text: str,
    url: str,
    sentence_vectors: np.ndarray,
    sentences: list[str],
    sentence_tokens: list[TokenStates],
) -> SourceIndex:
    units = _units(sentences)
    if len(sentences) > 1:
        pairs = sentence_vectors[:-1] + sentence_vectors[1:]
        pairs /= np.clip(np.linalg.norm(pairs, axis=1, keepdims=True), 1e-12, None)
        vectors = np.vstack([sentence_vectors, pairs])
    else:
        vectors = sentence_vectors
    unit_tokens = [words(u) for u in units]
    stems_per_unit = [content_stems(t) for t in unit_tokens]
    all_tokens = words(text)
    caps = names.capitalised_words(text)
    slots = [names.slots(sentence, caps) for sentence in sentences]
    return SourceIndex(
        url=url,
        units=units,
        unit_tokens=unit_tokens,
        unit_stems=[set(s) for s in stems_per_unit],
        vectors=vectors.astype(np.float32),
        token_vectors=[t.vectors for t in sentence_tokens],
        bm25=BM25(stems_per_unit),
        stems=set(content_stems(all_tokens)),
        bigrams=_bigrams(all_tokens),
        words=names.all_words(text),
        caps=caps,
        canonical=canonical_source(text),
        quantities=[numbers.extract(u) for u in units],
        name_neighbours=names.neighbours(unit_tokens[: len(sentences)], caps),
        name_slots=slots,
        slot_set={slot for sentence in slots for slot in sentence},
        unit_names=[names.all_words(u) for u in units],
        normal_units=[copied.normal_form(u).replace("\n", " ") for u in units],
        paragraphs=copied.paragraphs(text),
    )


# Python's sets and lists of words cost about this much per unit beyond the arrays
# (measured: a 2,000-word page's index holds ~7 MB, 4 of them word-piece states).
_UNIT_OVERHEAD = 12_000


def index_bytes(index: SourceIndex) -> int:
    """About how much memory one index holds."""
    arrays = index.vectors.nbytes + sum(t.nbytes for t in index.token_vectors)
    return arrays + _UNIT_OVERHEAD * len(index.units)


class IndexCache:
    """Source indexes keyed by a hash of the text, so a document is embedded once.

    Bounded by bytes, not entries: real pages run from 100 to 15,000 words, and a count
    of 256 long pages held 2 GB. Repair rounds re-check the same story right away, so a
    few long documents' worth is all a run needs.
    """

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[SourceIndex, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str, url: str) -> str:
        return hashlib.sha256(f"{url}\0{text}".encode()).hexdigest()

    def get_many(self, docs: Sequence[tuple[str, str]], encoder: Encoder) -> list[SourceIndex]:
        """Indexes for (text, url) pairs, embedding every missing document in one batch."""
        keys = [self.key(t, u) for t, u in docs]
        found: dict[str, SourceIndex] = {}
        with self._lock:
            for k in keys:
                if k in self._items:
                    self._items.move_to_end(k)
                    found[k] = self._items[k][0]
        missing = {k: d for k, d in zip(keys, docs, strict=True) if k not in found}
        if missing:
            split = {
                k: unwrapped_sentences(t) or [t.strip() or " "] for k, (t, _) in missing.items()
            }
            flat = [s for k in split for s in split[k]]
            vectors, tokens = encoder.encode_with_tokens(flat)
            start = 0
            for k, sentences in split.items():
                text, url = missing[k]
                end = start + len(sentences)
                found[k] = build(text, url, vectors[start:end], sentences, tokens[start:end])
                start = end
            with self._lock:
                for k in missing:
                    self._add(k, found[k])
        return [found[k] for k in keys]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _add(self, key: str, index: SourceIndex) -> None:
        if key in self._items:
            return
        size = index_bytes(index)
        self._items[key] = (index, size)
        self._bytes += size
        while self._bytes > self.max_bytes and len(self._items) > 1:
            _, (_, freed) = self._items.popitem(last=False)
            self._bytes -= freed


def unit_sentences(index: SourceIndex, unit: int) -> range:
    """The sentences a unit is made of: itself, or the two of a window."""
    n = len(index.token_vectors)
    return range(unit, unit + 1) if unit < n else range(unit - n, unit - n + 2)


def unit_token_vectors(index: SourceIndex, unit: int) -> np.ndarray:
    """The word-piece states of a unit."""
    parts = unit_sentences(index, unit)
    if len(parts) == 1:
        return index.token_vectors[parts[0]]
    return np.vstack([index.token_vectors[i] for i in parts])


def unit_slots(index: SourceIndex, unit: int) -> list[names.Slot]:
    """Where the unit's names stand (:func:`names.slots`)."""
    return [slot for i in unit_sentences(index, unit) for slot in index.name_slots[i]]
