"""Word lists and counts only the checker reads: negations, opposites, content stems.

What a word, a stop word and a stem are is :mod:`retold.text`'s business; this module
only says which of them the checker's features count.
"""

from __future__ import annotations

from retold.text.words import wordset

# What summarisation models and datasets write for a word they could not produce.
UNKNOWN_WORDS = frozenset({"unk", "[unk]", "<unk>"})

# Words that flip a clause's polarity. "n't" is split off by :func:`retold.text.words.words`.
NEGATIONS = wordset(
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


def negation_count(tokens: list[str]) -> int:
    return sum(1 for t in tokens if t in NEGATIONS)
