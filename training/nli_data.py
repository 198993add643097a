"""Synthetic claim/evidence pairs for the checker's cross-encoder, FactCC-style.

    .venv/bin/python training/nli_data.py [--out training/data/nli_pairs.jsonl] [--seed 13]

Claims are made from source sentences: faithful ones (the sentence, a compression, two
adjacent sentences fused, a clause moved) and unfaithful ones (a name, number or pronoun
swapped, a negation added or removed, an antonym, an unsupported clause added, a sentence
from another document). Each claim is paired with the passage the checker itself would
retrieve for it (:func:`cross_encoder.premise`), so training matches inference.

Sources: the sample stories under samples/stories/ and the FRANK development articles whose
source-document group (sha1 % 5, as in fit_checker.py) is in ``TRAIN_GROUPS``. The other
FRANK groups and every SummEdits article are held out: no claim is ever made from them, and
no development label is read. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("/work/shared/data/faithfulness")
TRAIN_GROUPS = (0, 1, 2)

_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_NUMBER_WORDS = re.findall(
    r"\w+",
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty hundred thousand million billion",
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b")
_AUX = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do)\b(?! not)"
)
_NEG = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do) not ")
_PRONOUNS = {"he": "she", "she": "he", "his": "her", "her": "his", "him": "her", "they": "he"}
_ANTONYM_PAIRS = """
increase:decrease increased:decreased rise:fall rose:fell more:fewer higher:lower won:lost
win:lose before:after first:last largest:smallest biggest:smallest allowed:banned up:down
approved:rejected accepted:rejected open:closed opened:closed early:late earlier:later
positive:negative guilty:innocent arrested:released young:old new:old best:worst most:least
support:oppose supported:opposed start:end started:ended home:away north:south east:west
male:female man:woman men:women boy:girl son:daughter husband:wife father:mother
died:survived killed:injured buy:sell bought:sold gained:lost left:joined always:never
cheaper:dearer long:short
"""
_ANTONYMS = {
    x: y
    for a, b in (pair.split(":") for pair in _ANTONYM_PAIRS.split())
    for x, y in ((a, b), (b, a))
}


def _groups_source(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 5


def load_sources() -> list[str]:
    """Training documents: sample stories, then FRANK articles in the training groups."""
    docs = []
    for path in sorted((ROOT / "samples" / "stories").glob("**/*.md")):
        text = path.read_text()
        if text.startswith("---"):
            text = text.split("---", 2)[-1]
        docs.append(text.strip())
    seen: set[str] = set()
    for line in (DATA / "frank_valid.jsonl").open():
        source = json.loads(line)["source"]
        if source not in seen and _groups_source(source) in TRAIN_GROUPS:
            seen.add(source)
            docs.append(source)
    return docs


def held_out(source: str) -> bool:
    """True for development rows whose article never fed the training data."""
    return _groups_source(source) not in TRAIN_GROUPS


# --- faithful rewrites -------------------------------------------------------------------


def compress(s: str, rng: random.Random) -> str | None:
    """Drop a subordinate or trailing clause (the claim says less, so it is still true)."""
    parts = [p.strip() for p in s.rstrip(".").split(",")]
    if len(parts) < 2:
        return None
    if rng.random() < 0.5 and len(parts[0].split()) >= 6:
        return parts[0] + "."
    keep = [p for i, p in enumerate(parts) if i == 0 or i != rng.randrange(1, len(parts))]
    out = ", ".join(keep)
    return out + "." if len(out.split()) >= 6 and out != s.rstrip(".") else None


def move_clause(s: str) -> str | None:
    """'X, said Y.' -> 'Y said X.'; 'On Monday, X.' -> 'X on Monday.'"""
    m = re.match(r"^[\"“]?(.+?),?[\"”]? (said|says|told \w+) ([^,]+)\.$", s)
    if m and len(m.group(3).split()) <= 5:
        return f"{m.group(3)} {m.group(2)} {m.group(1)[0].lower() + m.group(1)[1:]}."
    m = re.match(r"^((?:On|In|At|By|After|Before|During|Last|This) [^,]{2,30}), (.+)\.$", s)
    if m:
        body = m.group(2)
        return f"{body[0].upper()}{body[1:]} {m.group(1)[0].lower()}{m.group(1)[1:]}."
    return None


def fuse(a: str, b: str) -> str:
    b = b[0].lower() + b[1:] if b[:2] not in ("I ",) and not b[:1].isdigit() else b
    return f"{a.rstrip('.')}, and {b}"


# --- unfaithful rewrites -----------------------------------------------------------------


def swap_name(s: str, doc_names: list[str], rng: random.Random) -> str | None:
    found = [m.group(0) for m in _NAME.finditer(s) if m.start() > 0]
    others = [n for n in doc_names if n not in s]
    if not found or not others:
        return None
    return s.replace(rng.choice(found), rng.choice(others), 1)


def change_number(s: str, doc_numbers: list[str], rng: random.Random) -> str | None:
    digits = list(_NUMBER.finditer(s))
    if digits:
        m = rng.choice(digits)
        others = [n for n in doc_numbers if n != m.group(0)]
        if others and rng.random() < 0.5:
            new = rng.choice(others)
        else:
            value = float(m.group(0).replace(",", ""))
            new_value = value + rng.choice([-1, 1]) * max(1, round(value * rng.uniform(0.1, 0.6)))
            new = str(int(new_value)) if new_value == int(new_value) else f"{new_value:.1f}"
        return s[: m.start()] + new + s[m.end() :]
    spelled = [w for w in _NUMBER_WORDS if re.search(rf"\b{w}\b", s)]
    if spelled:
        w = rng.choice(spelled)
        return re.sub(rf"\b{w}\b", rng.choice([x for x in _NUMBER_WORDS if x != w]), s, count=1)
    return None


def negate(s: str, rng: random.Random) -> str | None:
    if _NEG.search(s):
        return _NEG.sub(lambda m: m.group(1) + " ", s, count=1)
    if "n't" in s:
        return s.replace("n't", "", 1)
    hits = list(_AUX.finditer(s))
    if hits:
        m = rng.choice(hits)
        return s[: m.end()] + " not" + s[m.end() :]
    m = re.search(r"\b(\w+ed)\b", s[1:])
    if m:
        i = m.start() + 1
        return s[:i] + "did not " + m.group(1)[:-2] + s[m.end() + 1 :]
    return None


def swap_pronoun(s: str, rng: random.Random) -> str | None:
    hits = [m for m in re.finditer(r"\b\w+\b", s) if m.group(0).lower() in _PRONOUNS]
    if not hits:
        return None
    m = rng.choice(hits)
    new = _PRONOUNS[m.group(0).lower()]
    new = new.capitalize() if m.group(0)[0].isupper() else new
    return s[: m.start()] + new + s[m.end() :]


def antonym(s: str, rng: random.Random) -> str | None:
    hits = [m for m in re.finditer(r"\b\w+\b", s) if m.group(0).lower() in _ANTONYMS]
    if not hits:
        return None
    m = rng.choice(hits)
    new = _ANTONYMS[m.group(0).lower()]
    new = new.capitalize() if m.group(0)[0].isupper() else new
    return s[: m.start()] + new + s[m.end() :]


def swap_entities(s: str) -> str | None:
    """Subject and object swapped: the two names in the sentence trade places."""
    found = list(dict.fromkeys(m.group(0) for m in _NAME.finditer(s)))
    if len(found) < 2:
        return None
    a, b = found[0], found[1]
    if a in b or b in a:
        return None
    return s.replace(a, "\0").replace(b, a).replace("\0", b)


def swap_word(s: str, doc_words: list[str], rng: random.Random) -> str | None:
    """A content word replaced by another of the same form from the document: the minimal,
    plausible edit (SummEdits-style) that changes what the sentence claims."""
    from retold.text.stopwords import STOPWORDS

    hits = [
        m for m in re.finditer(r"\b[a-z]{4,}\b", s) if m.group(0) not in STOPWORDS and m.start() > 0
    ]
    if not hits:
        return None
    m = rng.choice(hits)
    word = m.group(0)
    suffixes = ("ing", "ed", "ly", "s")

    def form(w: str) -> str:
        return next((x for x in suffixes if w.endswith(x)), "")

    pool = [w for w in doc_words if w != word and form(w) == form(word) and w not in s]
    if not pool:
        return None
    return s[: m.start()] + rng.choice(pool) + s[m.end() :]


def add_clause(s: str, other: str, rng: random.Random) -> str:
    """Append a clause taken from another document: extra, unsupported information."""
    clause = other.rstrip(".").split(",")[0]
    clause = clause[0].lower() + clause[1:] if clause else clause
    if rng.random() < 0.5:
        return f"{s.rstrip('.')}, and {clause}."
    return f"{s.rstrip('.')} after {clause}."


def tokenised_lower(s: str) -> str:
    """The style of many summarisation systems' output (FRANK): 'the study 's author , ...'"""
    s = s.lower().replace("’", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"'s\b", " 's", s)
    s = re.sub(r"n't\b", " n't", s)
    s = re.sub(r"([,.;:!?\"()])", r" \1 ", s)
    return " ".join(s.split())


# --- assembly ---------------------------------------------------------------------------


def claims_for_doc(
    sentences: list[str], other_docs: list[list[str]], rng: random.Random, word_swaps: bool
) -> list[tuple[str, int, str]]:
    """(claim, label, kind) for one document's sentences; label 1 = supported."""
    text = " ".join(sentences)
    doc_names = list(dict.fromkeys(m.group(0) for m in _NAME.finditer(text) if len(m.group(0)) > 3))
    doc_numbers = list(dict.fromkeys(_NUMBER.findall(text)))
    doc_words = sorted(set(re.findall(r"\b[a-z]{4,}\b", text)))
    out: list[tuple[str, int, str]] = []
    usable = [i for i, s in enumerate(sentences) if 6 <= len(s.split()) <= 60]
    for i in usable:
        s = sentences[i]
        other = rng.choice(rng.choice(other_docs))
        positives: list[tuple[str | None, str]] = [
            (s, "copy"),
            (compress(s, rng), "compress"),
            (move_clause(s), "move"),
        ]
        if i + 1 < len(sentences) and len(sentences[i + 1].split()) <= 30:
            positives.append((fuse(s, sentences[i + 1]), "fuse"))
        negatives: list[tuple[str | None, str]] = [
            (swap_name(s, doc_names, rng), "name"),
            (change_number(s, doc_numbers, rng), "number"),
            (negate(s, rng), "negation"),
            (swap_pronoun(s, rng), "pronoun"),
            (antonym(s, rng), "antonym"),
            (swap_entities(s), "swap"),
            (add_clause(s, other, rng), "added"),
            (other, "other-doc"),
        ]
        if word_swaps:
            negatives += [(swap_word(s, doc_words, rng), "word") for _ in range(2)]
        pos = [(c, k) for c, k in positives if c and c != s or k == "copy"]
        neg = [(c, k) for c, k in negatives if c and c != s]
        # balance: as many negatives as positives, drawn at random from those that applied
        rng.shuffle(neg)
        for c, k in pos:
            out.append((c, 1, k))
        for c, k in neg[: max(len(pos), 2)]:
            out.append((c, 0, k))
    return [(tokenised_lower(c) if rng.random() < 0.35 else c, y, k) for c, y, k in out]


def build_pairs(seed: int, limit: int, word_swaps: bool) -> list[dict]:  # type: ignore[type-arg]
    from cross_encoder import premise

    from retold.relate.embeddings import default_embedder
    from retold.text.words import words
    from retold.verify import evidence as evidence_mod
    from retold.verify.index import IndexCache
    from retold.verify.textutil import content_stems

    rng = random.Random(seed)
    docs = load_sources()
    encoder = default_embedder()
    cache = IndexCache(max_bytes=4 * 2**30)
    indexes = cache.get_many([(d, "") for d in docs], encoder)
    doc_sentences = [ix.units[: _sentence_count(ix.units)] for ix in indexes]
    records = []
    for d, sentences in enumerate(doc_sentences):
        others = [s for j, s in enumerate(doc_sentences) if j != d and s]
        for claim, label, kind in claims_for_doc(sentences, others, rng, word_swaps):
            records.append({"doc": d, "claim": claim, "label": label, "kind": kind})
    rng.shuffle(records)
    if limit:
        records = records[:limit]
    vectors = encoder.encode([r["claim"] for r in records])
    for r, v in zip(records, vectors, strict=True):
        ix = indexes[r["doc"]]
        found = evidence_mod.find(v, content_stems(words(r["claim"])), [ix])
        r["premise"] = premise(found, [ix])
    return records


def _sentence_count(units: list[str]) -> int:
    """Units are n sentences then n-1 windows: 2n - 1 in all."""
    return (len(units) + 1) // 2


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "training" / "data" / "nli_pairs.jsonl")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--word-swaps", action="store_true", help="also swap single words (SummEdits-style)"
    )
    parser.add_argument("--limit", type=int, default=0, help="keep at most N pairs (0: all)")
    args = parser.parse_args()
    records = build_pairs(args.seed, args.limit, args.word_swaps)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for r in records:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"wrote {len(records)} pairs to {args.out}: {dict(sorted(kinds.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
