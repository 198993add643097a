"""Who covered a story: independent outlets (wire copies merged), and what rests on whom.

Pure functions. An outlet that reprints an agency's copy is not independent confirmation:
two documents that share most of their opening sentences are one report, whichever sites
carry them, and so are two documents from the same site.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from retold.text.sentences import match_key, split_sentences

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
