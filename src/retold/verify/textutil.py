"""Small text helpers shared by the checks: word tokens, crude stems, stop words, negation."""

from __future__ import annotations

import functools
import re
import unicodedata

from retold.text.numbers import SMALL

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _set(
    """
    a an the and or but if then than so of in on at to for from by with as into onto
    over under about after before between during through up down out off again further
    once here there when where why how all any both each few more most other some such
    only own same too very can will just should would could may might must shall do does
    did doing done is are was were be been being am have has had having it its it's this
    that these those i me my we our you your he him his she her they them their what
    which who whom whose s t also said says say according told tell which while who's
    he's she's they're we're i'm you're there's that's up via per
    """
)

# What summarisation models and datasets write for a word they could not produce.
UNKNOWN_WORDS = frozenset({"unk", "[unk]", "<unk>"})

# Words that flip a clause's polarity. "n't" is split off by the tokeniser below.
NEGATIONS = _set(
    """
    not no never none nobody nothing neither nor without cannot n't nowhere deny denies
    denied refuse refuses refused fail fails failed unable
    """
)


# Words whose opposite, written in the same place, reverses a fact ("the west bank" for
# "the east bank", "prices fell" for "prices rose"). Pairs, both ways.
_OPPOSITE_PAIRS = """
north south|east west|northern southern|eastern western|northeast southwest|northwest southeast
rise fall|rises falls|rose fell|risen fallen|rising falling|up down|above below
increase decrease|increased decreased|increases decreases|increasing decreasing
higher lower|highest lowest|gain loss|gained lost|profit loss|ahead behind|minimum maximum
win lose|won lost|wins loses|winning losing|winner loser|victory defeat|home away
before after|first last|earlier later|opened closed|opening closing|open closed
approve reject|approved rejected|approves rejects|accepted rejected|allowed banned|legal illegal
support oppose|supported opposed|supports opposes|positive negative|success failure
convicted acquitted|guilty innocent|dead alive|hired fired|buy sell|bought sold|buyer seller
import export|imports exports|imported exported|public private|domestic foreign
temporary permanent|inside outside|men women|man woman|boys girls|boy girl|male female
husband wife|son daughter|father mother|brother sister|older younger|oldest youngest
largest smallest|biggest smallest|best worst|better worse|strongest weakest|cheapest dearest
"""
OPPOSITES: dict[str, frozenset[str]] = {}
for _pair in _OPPOSITE_PAIRS.replace("\n", "|").split("|"):
    if _pair.strip():
        _a, _b = _pair.split()
        OPPOSITES[_a] = OPPOSITES.get(_a, frozenset()) | {_b}
        OPPOSITES[_b] = OPPOSITES.get(_b, frozenset()) | {_a}


def normalise(text: str) -> str:
    """NFKC, curly apostrophes straightened, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    """Lower-case word tokens; contractions split so "didn't" gives "did", "n't"."""
    out: list[str] = []
    for match in _WORD.finditer(text.replace("’", "'")):
        word = match.group(0).lower()
        if word.endswith("n't") and len(word) > 3:
            out.extend((word[:-3], "n't"))
        elif word.endswith("'s"):
            out.append(word[:-2])
        else:
            out.append(word)
    return out


# Up to twenty: beyond that, news copy writes digits.
_NUMBER_WORDS = {w: str(v) for w, v in {**SMALL, "twenty": 20}.items()}


@functools.lru_cache(maxsize=1 << 16)  # called for every word of every sentence checked
def stem(word: str) -> str:
    """A deliberately crude stem: "closures" meets "closure"; "ran" and "runs" stay apart."""
    if word in _NUMBER_WORDS:  # "eighteen months" and "18 months" make the same word pair
        return _NUMBER_WORDS[word]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


def content_stems(tokens: list[str]) -> list[str]:
    stems = (stem(t) for t in tokens if t not in STOPWORDS and len(t) > 1)
    return [s for s in stems if not s.isdigit()]  # numbers are checked on their own


def negation_count(tokens: list[str]) -> int:
    return sum(1 for t in tokens if t in NEGATIONS)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
