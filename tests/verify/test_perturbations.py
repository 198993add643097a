"""Faithful sentences from the sample stories pass; mutated ones are caught.

Sentences are taken verbatim from each sample story and checked against that story;
each mutation changes one fact. Quotes, numbers, misspelled or invented names and added
clauses must be caught (≥ 99%), added negations ≥ 95%; names swapped between roles or taken
from elsewhere in the story at the rates measured (see SWAPS).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from retold.records import SentenceCheck
from retold.verify.checker import Checker, split_article
from retold.verify.numbers import extract as extract_numbers

Mutation = Callable[[str, random.Random], str | None]

_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_QUOTE = re.compile(r"“([^”]+)”")
_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})\b")
_AUX = re.compile(r"\b(is|was|were|are|will|has|had|would|could)\b (?!not\b)")


def change_number(sentence: str, rng: random.Random) -> str | None:
    matches = list(_NUMBER.finditer(sentence))
    if not matches:
        return None
    m = rng.choice(matches)
    value = float(m.group(0).replace(",", ""))
    new = str(int(value) + rng.choice([1, 2, 3, 7])) if value == int(value) else f"{value + 1.5:g}"
    return sentence[: m.start()] + new + sentence[m.end() :]


def alter_quote(sentence: str, rng: random.Random) -> str | None:
    m = _QUOTE.search(sentence)
    if not m:
        return None
    words = m.group(1).split()
    long_words = [i for i, w in enumerate(words) if len(w.strip(",.;:!?")) > 3]
    if not long_words:
        return None
    i = rng.choice(long_words)
    words[i] = rng.choice(["entirely", "never", "certainly", "wholly", "barely"])
    return sentence[: m.start(1)] + " ".join(words) + sentence[m.end(1) :]


def misspell_name(sentence: str, rng: random.Random) -> str | None:
    found = [m for m in _NAME.finditer(sentence)]
    if not found:
        return None
    m = rng.choice(found)
    name = m.group(1)
    i = rng.randrange(1, len(name) - 1)
    variant = rng.choice(
        [
            name[:i] + name[i + 1 :],
            name[:i] + name[i] + name[i:],
            name[:i] + name[i + 1] + name[i] + name[i + 2 :],
        ]
    )
    if variant == name:
        return None
    return sentence[: m.start(1)] + variant + sentence[m.end(1) :]


def foreign_name(sentence: str, rng: random.Random) -> str | None:
    found = list(_NAME.finditer(sentence))
    if not found:
        return None
    m = rng.choice(found)
    new = rng.choice(["Gustafsson", "Okonkwo", "Ramirez", "Delacroix", "Thornbury"])
    return sentence[: m.start(1)] + new + sentence[m.end(1) :]


def add_clause(sentence: str, rng: random.Random) -> str | None:
    clause = rng.choice(
        [
            ", according to a report by the Ministry of Agriculture in Brussels",
            ", a decision condemned by Professor Elena Marchetti of Bologna",
            ", the Wexford Institute said on Tuesday",
        ]
    )
    return sentence.rstrip(".") + clause + "."


def negate(sentence: str, rng: random.Random) -> str | None:
    if re.search(r"\b(not|never|no)\b|n’t|n't", sentence):
        return None
    m = _AUX.search(sentence)
    if not m:
        return None
    return sentence[: m.end(1)] + " not" + sentence[m.end(1) :]


_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")


def swap_names(sentence: str, source: str, rng: random.Random) -> str | None:
    """Subject and object swapped: the first two names trade places."""
    found = list(dict.fromkeys(m.group(0) for m in _FULL_NAME.finditer(sentence)))
    if len(found) < 2:
        return None
    a, b = found[:2]
    return sentence.replace(a, "\0").replace(b, a).replace("\0", b)


def name_from_elsewhere(sentence: str, source: str, rng: random.Random) -> str | None:
    """A name replaced by another one the same story mentions."""
    found = list(_FULL_NAME.finditer(sentence))
    if not found:
        return None
    m = rng.choice(found)
    mine = {x.group(0) for x in found}
    others = sorted(
        o
        for o in {x.group(0) for x in _FULL_NAME.finditer(source)} - mine
        if not set(o.split()) & set(m.group(0).split()) and o.split()[0] not in ("The", "On", "In")
    )
    if not others:
        return None
    return sentence[: m.start()] + rng.choice(others) + sentence[m.end() :]


# Measured on the samples: swapped 95% (the 3 missed are names listed together, "A and B"
# for "B and A", which the checker lets pass on purpose), from elsewhere 99%.
SWAPS = {"swapped names": (swap_names, 0.93), "name from elsewhere": (name_from_elsewhere, 0.97)}


HARD = {
    "number": change_number,
    "quote": alter_quote,
    "misspelled name": misspell_name,
    "foreign name": foreign_name,
    "added clause": add_clause,
}


@pytest.fixture(scope="module")
def corpus(stories: dict[str, str]) -> list[tuple[str, str]]:
    """(source, faithful sentence) pairs from the sample stories."""
    pairs = []
    for body in stories.values():
        sentences = [s for p in split_article(body) for s in p if len(s.split()) >= 6]
        pairs += [(body, s) for s in sentences]
    assert len(pairs) >= 30, "the sample stories should give enough sentences"
    return pairs


def run(checker: Checker, items: list[tuple[str, str]]) -> list[SentenceCheck]:
    articles = [([[text]], [(source, "")]) for source, text in items]
    return [c[0] for c in checker.check_many(articles)]


@pytest.fixture(scope="module")
def originals(checker: Checker, corpus: list[tuple[str, str]]) -> list[SentenceCheck]:
    return run(checker, corpus)


def test_faithful_sentences_pass(originals: list[SentenceCheck]) -> None:
    flagged = [c for c in originals if c.verdict != "supported"]
    assert len(flagged) <= 0.02 * len(originals), [(c.text, c.reason) for c in flagged]


@pytest.mark.parametrize("kind", sorted(HARD))
def test_hard_mutations_caught(kind: str, checker: Checker, corpus: list[tuple[str, str]]) -> None:
    rng = random.Random(kind)
    mutated = []
    for source, sentence in corpus:
        new = HARD[kind](sentence, rng)
        if new and new != sentence:
            if kind == "number" and any(
                q.text in source for q in extract_numbers(new) if q.text not in sentence
            ):
                continue  # the changed figure happens to be written in the source: not a mutation
            mutated.append((source, new))
    assert len(mutated) >= 5, f"too few sentences to mutate for {kind}"
    checks = run(checker, mutated)
    missed = [c.text for c in checks if c.verdict == "supported"]
    assert len(missed) <= 0.01 * len(checks), missed


@pytest.mark.parametrize("kind", sorted(SWAPS))
def test_name_swaps_caught(kind: str, checker: Checker, corpus: list[tuple[str, str]]) -> None:
    mutate, rate = SWAPS[kind]
    rng = random.Random(kind)
    mutated = [(s, new) for s, t in corpus if (new := mutate(t, s, rng)) and new != t]
    assert len(mutated) >= 20, f"too few sentences to mutate for {kind}"
    checks = run(checker, mutated)
    caught = [c for c in checks if c.verdict != "supported"]
    assert len(caught) >= rate * len(checks), [c.text for c in checks if c not in caught]


def test_soft_mutations_score_lower(
    checker: Checker, corpus: list[tuple[str, str]], originals: list[SentenceCheck]
) -> None:
    rng = random.Random(5)
    base = {c.text: c.score for c in originals}
    pairs = [(s, negate(t, rng), t) for s, t in corpus]
    pairs = [(s, n, t) for s, n, t in pairs if n]
    checks = run(checker, [(s, n) for s, n, _ in pairs])
    lower = sum(1 for c, (_, _, t) in zip(checks, pairs, strict=True) if c.score < base[t])
    caught = sum(1 for c in checks if c.verdict != "supported")
    assert lower >= 0.9 * len(checks)
    assert caught >= 0.95 * len(checks)  # measured: all of them


def test_check_text_reports_evidence_and_reasons(checker: Checker) -> None:
    from retold.verify.checker import check_text

    source = (
        "City engineer Aurelia Voss said the bridge would close for eighteen months. "
        '"We have no choice," she said. Mayor Tobias Brandt agreed.'
    )
    got = check_text(
        "Aurelia Voss said the bridge would close for 18 months.\n\n"
        "The bridge will close for 12 months.\n\n“We have a choice,” Voss said.\n\n"
        "Mayor Tobias Brant agreed.",
        [source],
        checker=checker,
    )
    assert [c.verdict for c in got] == ["supported", "contradicted", "contradicted", "contradicted"]
    assert [c.paragraph for c in got] == [0, 1, 2, 3]
    assert "eighteen months" in got[0].evidence
    assert "12 months" in got[1].reason and "eighteen months" in got[1].reason
    assert got[2].reason.startswith("quote not found in the source")
    assert "misspelled name 'Tobias Brant' (source: 'Tobias Brandt')" in got[3].reason
