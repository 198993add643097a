"""Names of people, organisations and places, and whether the sources spell them the same.

A name is a run of capitalised words (joined by "of", "de", "van"… inside). A capitalised
word at the start of a sentence counts only when the sources or the article also write it
capitalised mid-sentence. Text with no capital letters at all (tokenised, lower-cased data)
has no names to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retold.text.distance import edit_distance
from retold.text.stopwords import STOPWORDS
from retold.text.words import wordset
from retold.verify.numbers import MONTHS, WEEKDAYS
from retold.verify.textutil import UNKNOWN_WORDS

# A word may hold dots, hyphens, apostrophes and ampersands ("U.S.", "USB-C", "S&P"); one
# led by a digit ("4K", "256GB", "COVID-19"'s "19") is one token, not a digit and a name
# "K", and never swallows a full stop, which ends the sentence.
_TOKEN = re.compile(
    r"[^\W\d_][\w'’.\-&]*|\d(?:[^\W_]|[.,\-&](?=[^\W_]))*|[.!?:;\"“”‘(]|\S", re.UNICODE
)
_JOINERS = re.compile(r"[.\-&']")
_CONNECTORS = frozenset(
    {"of", "de", "van", "von", "der", "den", "la", "le", "du", "da", "al", "bin", "y", "&"}
)


# Honorifics and generic words that are capitalised but name nobody on their own.
TITLES = wordset(
    """
    mr mrs ms miss dr prof sir dame lord lady st mayor president minister prime
    chancellor councillor judge officer sergeant inspector chief captain general king
    queen prince princess pope rev reverend senator governor
    """
)
_NOT_NAMES = wordset(
    """
    i a an the this that these those he she they we it you his her their our its my your
    but and or so if when while after before as at in on for from by with not no yes
    also however meanwhile still yet there here what who why how where which mr mrs ms
    dr
    """
)
_SENTENCE_BREAK = frozenset({".", "!", "?", ":", ";", '"', "“", "”", "‘", "("})


@dataclass(frozen=True)
class Name:
    text: str  # as written, e.g. "Aurelia Voss"
    tokens: tuple[str, ...]  # lower-cased words that must appear, titles dropped


_ACRONYM = re.compile(r"(?:[^\W\d_]\.){2,}[^\W\d_]?\.?")


def _clean(token: str) -> str:
    token = token.replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    if _ACRONYM.fullmatch(token):  # "U.K." is "UK"
        token = token.replace(".", "")
    return token.rstrip(".'-").lower()


def capitalised_words(text: str) -> set[str]:
    """Lower-cased words ``text`` capitalises somewhere other than at a sentence start."""
    out: set[str] = set()
    previous = "."
    for match in _TOKEN.finditer(text):
        tok = match.group(0)
        if tok[:1].isupper() and previous not in _SENTENCE_BREAK:
            out.add(_clean(tok))
        previous = tok
    return out


def all_words(text: str) -> set[str]:
    """Every word of ``text`` as :func:`extract` reads names, and each written without its
    hyphens and dots too, so "WiFi" finds "Wi-Fi" (but "USB-C" does not find "USB-A")."""
    out = set()
    for m in _TOKEN.finditer(text):
        if m.group(0)[:1].isalpha():
            word = _clean(m.group(0))
            out.add(word)
            out.add(joined(word))
    return out


def joined(word: str) -> str:
    """A name word without the marks written inside it: "wi-fi" is "wifi"."""
    return _JOINERS.sub("", word)


def extract(sentence: str, known_names: set[str]) -> list[Name]:
    """Names in one sentence. ``known_names``: words known to be names (capitalised mid-sentence
    in the sources or the article), which makes a sentence-initial word count as a name."""
    return [name for _, _, name in _spans(_tokens(sentence), known_names)]


def _tokens(sentence: str) -> list[str]:
    if not any(c.isupper() for c in sentence) or sentence.isupper():
        return []  # lower-cased or shouted text: no names can be told apart
    return [m.group(0) for m in _TOKEN.finditer(sentence)]


def _spans(tokens: list[str], known_names: set[str]) -> list[tuple[int, int, Name]]:
    """(start, end, name): each name and the token span it was read from."""
    names: list[tuple[int, int, Name]] = []
    run: list[int] = []  # token positions
    previous = "."

    def flush() -> None:
        while run and _clean(tokens[run[-1]]) in _CONNECTORS:
            run.pop()
        words = tuple(
            w
            for w in (_clean(tokens[i]) for i in run)
            if w
            and w not in TITLES
            and w not in _CONNECTORS
            and w not in MONTHS
            and w not in WEEKDAYS
        )
        if words:
            start = run[0]
            while run and _clean(tokens[run[0]]) in TITLES:  # "Mayor Tobias Brandt": shown
                run.pop(0)  # as the name, and the title is part of the span
            text = " ".join(tokens[i] for i in run).replace("’s", "").replace("'s", "")
            names.append((start, run[-1] + 1, Name(text, words)))
        run.clear()

    for i, tok in enumerate(tokens):
        word = _clean(tok)
        at_start = previous in _SENTENCE_BREAK
        is_cap = tok[:1].isupper() and tok[:1].isalpha() and word not in UNKNOWN_WORDS
        if is_cap and at_start:
            is_name = word in known_names and word not in _NOT_NAMES
        else:
            is_name = is_cap and word not in ("i",)
        if is_name or run and word in _CONNECTORS and not at_start:
            run.append(i)
            if tok.endswith(("'s", "’s")):
                flush()  # "Pieter Haldane's Co-operative" is Haldane's: two names
        else:
            flush()
        previous = tok
    flush()
    return names


# Where a name stands: the token before it, its words, the token after it ("^"/"$" at the
# sentence's ends; articles skipped). "The National Bank held its rate, Leopold Haar told
# Metro Wire." has ("^", ("national", "bank"), "held"), (",", ("leopold", "haar"), "told")
# and ("told", ("metro", "wire"), "$").
Slot = tuple[str, tuple[str, ...], str]
_ARTICLES = frozenset({"the", "a", "an"})
_COORDINATORS = frozenset({"and", "or", "&"})


def slots(sentence: str, known_names: set[str]) -> list[Slot]:
    tokens = _tokens(sentence)
    out = []
    for start, end, name in _spans(tokens, known_names):
        words = name.tokens[1:] if name.tokens[0] in _ARTICLES else name.tokens
        if words:  # "The National Bank" mid-sentence is the same as "the National Bank"
            out.append((_beside(tokens, start - 1, -1), words, _beside(tokens, end, 1)))
    return out


def _beside(tokens: list[str], i: int, step: int) -> str:
    while 0 <= i < len(tokens) and _clean(tokens[i]) in _ARTICLES:
        i += step
    if not 0 <= i < len(tokens):
        return "^" if step < 0 else "$"
    return _clean(tokens[i]) or tokens[i]


def substituted(
    sentence: Sequence[Slot], evidence: Sequence[Slot], sources: Iterable[set[Slot]]
) -> tuple[str, str] | None:
    """A name standing exactly where the evidence passage has a different one, with the same
    word on both sides ("the Marine Institute said" written as "the Metro Wire said"), in a
    place no source ever puts it: roles swapped, or a name brought in from elsewhere.

    Returns (the sentence's name, the evidence's) or None. Both neighbours must match, so a
    paraphrase that moves words around is left alone; names listed together ("A and B" for
    "B and A") are not a swap; a shorter form of the same name ("Fjeld" for "Anders Fjeld")
    is not a rival.
    """
    sources = list(sources)
    listed = {name for before, name, after in evidence if {before, after} & _COORDINATORS}
    for before, name, after in sentence:
        if any((before, name, after) in known for known in sources):
            continue
        for e_before, rival, e_after in evidence:
            if (e_before, e_after) != (before, after) or _same_entity(name, rival):
                continue
            if {before, after} & _COORDINATORS and name in listed:
                continue
            return _title(name), _title(rival)
    return None


def _same_entity(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return set(a) <= set(b) or set(b) <= set(a)


@dataclass(frozen=True)
class NameProblem:
    name: str
    kind: str  # "misspelled" or "missing"
    source_form: str = ""


def check(name: Name, source_words: set[str], source_caps: set[str]) -> NameProblem | None:
    """None when every word of ``name`` appears in the sources; otherwise what is wrong."""
    missing = [w for w in name.tokens if w not in source_words and joined(w) not in source_words]
    if not missing:
        return None
    fixed = list(name.tokens)
    near_miss = False
    for i, word in enumerate(name.tokens):
        if word not in missing:
            continue
        best = _closest(word, source_caps)
        if best is not None:
            fixed[i] = best
            near_miss = True
    if near_miss:
        return NameProblem(name.text, "misspelled", _recase(" ".join(fixed), name.text))
    return NameProblem(name.text, "missing")


def _closest(word: str, candidates: set[str]) -> str | None:
    if len(word) < 3:
        return None
    # Allowed distance grows with length: 1 up to 7 letters, 2 beyond.
    limit = 1 if len(word) <= 7 else 2
    best, best_d = None, limit + 1
    for cand in candidates:
        if abs(len(cand) - len(word)) > limit or len(cand) < 3:
            continue
        d = edit_distance(word, cand, limit)
        if 0 < d < best_d or (d == best_d and best is not None and cand < best):
            best, best_d = cand, d
    return best if best_d <= limit else None


def _recase(fixed: str, original: str) -> str:
    return " ".join(w.capitalize() for w in fixed.split()) if original[:1].isupper() else fixed


def _runs(tokens: Sequence[str], caps: set[str]) -> list[tuple[int, int]]:
    """Spans of consecutive name words (written capitalised mid-sentence in the sources)."""
    spans, start = [], None
    for i, token in enumerate([*tokens, ""]):
        is_name = token in caps and token not in STOPWORDS and token not in _NOT_NAMES
        if is_name and start is None:
            start = i
        elif not is_name and start is not None:
            spans.append((start, i))
            start = None
    return spans


Neighbours = dict[tuple[str, str], list[tuple[str, ...]]]


def neighbours(units: Iterable[Sequence[str]], caps: set[str]) -> Neighbours:
    """(side, word) -> the names that word stands right before ("left") or after ("right")."""
    out: Neighbours = {}
    for tokens in units:
        for s, e in _runs(tokens, caps):
            name = tuple(tokens[s:e])
            for side, at in (
                ("left", _next_word(tokens, s, -1)),
                ("right", _next_word(tokens, e - 1, 1)),
            ):
                if at is not None:
                    out.setdefault((side, tokens[at]), []).append(name)
    return out


# Function words a name's context may reach past; never a form of "be" or "have", since
# "Mendel was sacked" is the passive of "Athletic sacked Mendel", not a swap.
_SKIPPABLE = STOPWORDS - {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had"}


def _next_word(tokens: Sequence[str], i: int, step: int, skip: int = 2) -> int | None:
    """The position of the first word past ``i`` in direction ``step`` that is not a function
    word ("the keeper at Gull Point": "keeper"), skipping at most ``skip`` of them."""
    j = i + step
    while 0 <= j < len(tokens) and tokens[j] in _SKIPPABLE and skip > 0:
        j, skip = j + step, skip - 1
    return j if 0 <= j < len(tokens) else None


def misplaced(
    sentence: Sequence[str],
    evidence: Sequence[Sequence[str]],
    sources: Sequence[Neighbours],
    caps: set[str],
    named: set[str],
) -> tuple[str, str, str] | None:
    """A name standing where the evidence has another one: "Mendel sacked their manager
    Athletic" against "Athletic sacked their manager Dario Mendel" (swapped roles, or a name
    from elsewhere in the story). Token lists are lower-cased words.

    Returns (name, the word next to it, the evidence's name there) or None. Only a content
    word the sources never write next to this name counts, so a sentence that merely mentions
    two people in a new order is not flagged. ``sources``: :func:`neighbours` of each source;
    ``caps``: the sources' name words; ``named``: the words the sentence writes as names.
    """
    near = neighbours(evidence, caps)
    for s, e in _runs(sentence, caps & named):
        name = set(sentence[s:e])
        for side, at in (
            ("left", _next_word(sentence, s, -1)),
            ("right", _next_word(sentence, e - 1, 1)),
        ):
            if at is None:
                continue
            word = sentence[at]
            if word in STOPWORDS or word in caps or len(word) < 3 or not word.isalpha():
                continue
            if any(
                name.intersection(other)
                for source in sources
                for other in source.get((side, word), [])
            ):
                continue
            rivals = [o for o in near.get((side, word), []) if not name.intersection(o)]
            if rivals:
                return _title(sentence[s:e]), word, _title(rivals[0])
    return None


def _title(tokens: Sequence[str]) -> str:
    return " ".join(t.capitalize() for t in tokens)
