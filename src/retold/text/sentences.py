"""Split text into paragraphs and sentences, keeping character offsets.

A careful rule-based segmenter: it knows abbreviations ("Dr.", "Mr.", "Inc."),
initials ("J. K. Rowling"), decimals ("4.2"), ellipses and quotations
(“Why?” she asked.), and never lets a sentence cross a paragraph break.
It is shared by the writer (to copy sentences verbatim) and the checker
(to split an article into the sentences it checks), so both see the same units.

Scripts without spaces are handled too: Chinese and Japanese sentences end at 。！？
with or without a following space (a question inside 「…」 does not end the sentence
around it), sentences in caseless scripts (Korean, Arabic, Hindi) end at a full stop
before any letter, and Thai, Lao and Khmer, which mark sentences with a space rather than
punctuation, are split at a space between two of their letters.

It is pure Python and fast (well under a millisecond per paragraph), which
matters because the checker segments every source and every article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from retold.text.scripts import PHRASE_SPACED
from retold.text.words import wordset

# Abbreviations that are (almost) never the end of a sentence: titles and
# words that are followed by a name or a number.
_NEVER_FINAL = wordset(
    """
    mr mrs ms mx dr prof st mt ft fr gen sen rep gov lt col capt cpt sgt cmdr adm maj
    rev hon pres supt insp det cllr messrs mme mlle sr jr
    cf vs v approx dept univ assn bros ave blvd
    e.g i.e viz
    """
)
# Abbreviations that stand before a number ("No. 5", "Jan. 12", "p. 4"); they
# are ordinary words otherwise ("art.", "no.").
_BEFORE_NUMBER = wordset(
    "no nos vol vols fig figs p pp para art sec ch op "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Abbreviations that often end a sentence too: split after them only when the
# next word starts with a capital letter.
_MAYBE_FINAL = wordset("etc inc ltd co corp plc llc gmbh ag bhd a.m p.m am pm")
# Jr/Sr mostly follow a name mid-sentence, but "Smith Jr. The" ends one.
_NAME_SUFFIX = frozenset({"jr", "sr"})

_OPENERS = "\"“‘'([«„"
_CLOSERS = "\"”’')]»"

# A candidate boundary: terminal punctuation, optional closing quotes/brackets,
# then whitespace; or a full stop of a script that needs no space after it (CJK 。！？,
# the Devanagari danda, the Urdu, Ethiopic, Myanmar and Khmer stops).
_FULL_STOPS = "。！？｡।॥۔።။។"
_CJK_CLOSERS = "」』）】〕〉》"
# A run of stops is matched whole, from its first character, and never backtracked into:
# trying every position of a long run of dots ("....", ". . .") made splitting quadratic.
_BOUNDARY = re.compile(
    r"(?<![.!?…])[.!?…]++[\"”’')\]»]*+(?=\s)"
    rf"|[{_FULL_STOPS}]+[{_CJK_CLOSERS}\"”’')\]»]*"
)
_CJK_OPEN = "「『（【〔〈《"
_CJK_CLOSE = "」』）】〕〉》"
# 「…？」と聞いた: a quotation followed by a quoting particle goes on.
_QUOTE_GOES_ON = ("と", "って", "、", "，")
_PHRASE_BREAK = re.compile(rf"(?<=[{PHRASE_SPACED}])\s+(?=[{PHRASE_SPACED}])")
_PARA_BREAK = re.compile(r"\n[ \t]*\n+")
_SPACE = re.compile(r"\s+")
# Used with match(text, pos, endpos), which anchors at pos: no copies of the rest of a block.
_BULLET = re.compile(r"\s*(?:[-*•·]|\d+[.)])\s+")
_LEADING_SPACE = re.compile(r"\s*")
_NEXT_WORD = re.compile(rf"\s*[{re.escape(_OPENERS)}]*(\S*)")
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")


@dataclass(frozen=True)
class Span:
    """A sentence (or paragraph) and where it sits in the original text."""

    start: int
    end: int
    text: str
    paragraph: int = 0


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs separated by blank lines; list items and headings stand alone."""
    spans: list[Span] = []
    pos = 0
    blocks: list[tuple[int, int]] = []
    for m in _PARA_BREAK.finditer(text):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, len(text)))
    for start, end in blocks:
        for s, e in _split_lines(text, start, end):
            raw = text[s:e]
            stripped = raw.strip()
            if not stripped:
                continue
            lead = len(raw) - len(raw.lstrip())
            s2 = s + lead
            spans.append(Span(s2, s2 + len(stripped), _SPACE.sub(" ", stripped), len(spans)))
    return spans


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Join wrapped lines of one block, but keep headings and bullets apart."""
    parts: list[tuple[int, int]] = []
    line_start = start
    cur_start = start
    while True:
        nl = text.find("\n", line_start, end)
        line_end = end if nl == -1 else nl
        line = text[line_start:line_end].rstrip()
        # Where the next line's text starts: never a copy of the rest of the block, which
        # made a block of many short lines quadratic.
        lead = _LEADING_SPACE.match(text, line_end + 1, end) if nl != -1 else None
        nxt = lead.end() if lead else end
        hard = False
        if nxt < end:
            ends_open = bool(line) and line[-1] not in '.!?:;,”"’)…' and not line[-1].islower()
            hard = bool(_BULLET.match(text, nxt, end)) or ends_open and text[nxt].isupper()
            hard = hard or bool(_BULLET.match(text, cur_start, line_end))
        if nl == -1:
            parts.append((cur_start, end))
            return parts
        if hard:
            parts.append((cur_start, line_end))
            cur_start = line_end + 1
        line_start = line_end + 1


def sentence_spans(text: str) -> list[Span]:
    """Every sentence of ``text`` with its offsets and paragraph index."""
    out: list[Span] = []
    for para in paragraph_spans(text):
        raw = text[para.start : para.end]
        for s, e in _segment(raw):
            piece = raw[s:e]
            out.append(Span(para.start + s, para.start + e, _SPACE.sub(" ", piece), para.paragraph))
    return out


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, whitespace normalised, in order."""
    return [s.text for s in sentence_spans(text)]


def join_sentences(sentences: list[str]) -> str:
    """Sentences back into one paragraph: no space after a CJK full stop, one otherwise."""
    out = ""
    for sentence in sentences:
        if out and not out.rstrip(_CJK_CLOSERS + "\"”’')").endswith(tuple("。！？｡")):
            out += " "
        out += sentence
    return out


def split_paragraphs(text: str) -> list[list[str]]:
    """The sentences of ``text`` grouped by paragraph."""
    paras: dict[int, list[str]] = {}
    for s in sentence_spans(text):
        paras.setdefault(s.paragraph, []).append(s.text)
    return list(paras.values())


def _segment(para: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    depth, counted = 0, 0  # open CJK brackets before the candidate boundary
    for m in _BOUNDARY.finditer(para):
        if m.group(0)[0] in _FULL_STOPS:
            chunk = para[counted : m.end()]
            depth = max(0, depth + sum(chunk.count(c) for c in _CJK_OPEN))
            depth = max(0, depth - sum(chunk.count(c) for c in _CJK_CLOSE))
            counted = m.end()
            ok = depth == 0 and m.end() < len(para) and not para.startswith(_QUOTE_GOES_ON, m.end())
        else:
            ok = _is_boundary(para, m)
        if ok:
            bounds.append((start, m.end()))
            start = m.end()
            while start < len(para) and para[start].isspace():
                start += 1
    if start < len(para):
        bounds.append((start, len(para)))
    if _PHRASE_BREAK.search(para):
        bounds = [piece for s, e in bounds for piece in _phrases(para, s, e)]
    return [(s, e) for s, e in bounds if para[s:e].strip()]


def _phrases(para: str, start: int, end: int) -> list[tuple[int, int]]:
    """Thai, Lao and Khmer: a space between two of their letters ends a sentence."""
    out = []
    for m in _PHRASE_BREAK.finditer(para, start, end):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, end))
    return out


def _next_word(para: str, pos: int) -> str:
    m = _NEXT_WORD.match(para, pos)
    return m.group(1) if m else ""


def _is_boundary(para: str, m: re.Match[str]) -> bool:
    nxt = _next_word(para, m.end())
    if not nxt:
        return False
    first = nxt[0]
    # “Why?” she asked. / a lowercase continuation is never a new sentence.
    if first.islower():
        return False
    if first.isalpha() and not first.isupper():
        return True  # a caseless script (Korean, Arabic, Hindi): no capital to wait for
    if not (first.isupper() or first.isdigit() or not first.isalnum()):
        return False
    punct = m.group(0).rstrip(_CLOSERS)
    if punct != ".":
        return True  # ! ? ?! … and "..." followed by a capital
    # A plain full stop: look at the word before it.
    # Scanned back from the stop: a search over everything before it was quadratic.
    # (It looks past one line break, as `(\S+)$` did: "$" matches before a final newline.)
    end = m.start() - 1 if m.start() and para[m.start() - 1] == "\n" else m.start()
    start = end
    while start > 0 and not para[start - 1].isspace():
        start -= 1
    if start == end:
        return True
    word = para[start:end].lstrip(_OPENERS)
    low = word.lower()
    if low in _NEVER_FINAL and low not in _NAME_SUFFIX:
        return False
    if low in _BEFORE_NUMBER and first.isdigit():
        return False
    if low in _NAME_SUFFIX or low in _MAYBE_FINAL:
        return first.isupper() and not _looks_like_name_part(nxt)
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "J. K. Rowling"
    if _INITIALS.match(word):
        # "U.S." or "e.g." mid-sentence; "a.m." handled above.
        return low.rstrip(".") in {"a.m", "p.m"}
    return True


def _looks_like_name_part(word: str) -> bool:
    # After "Inc." or "Jr." a capitalised word may still be mid-sentence
    # ("Acme Inc. Chief Executive"); treat titles and names conservatively.
    return word.rstrip(",;:") in {"Chief", "President", "Director", "Chairman"}


_ENDINGS = tuple('.!?”"’)…') + tuple(_FULL_STOPS) + tuple(_CJK_CLOSERS)
_PHRASE_LETTER = re.compile(rf"[{PHRASE_SPACED}]")


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends as a sentence does (not as a heading, caption or byline).

    Thai, Lao and Khmer end sentences without punctuation, so any text ending in one of
    their letters may be a sentence.
    """
    text = text.rstrip()
    return text.endswith(_ENDINGS) or bool(text and _PHRASE_LETTER.match(text[-1]))


_MATCH_SPACE = re.compile(r"\s+")
_MATCH_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def match_key(text: str) -> str:
    """``text`` folded for finding a copied sentence in its source: Unicode-normalised
    (fullwidth forms become plain ones), quotes and dashes made plain, all spaces removed
    (so a line break or a space after 。 doesn't hide a copy), case folded."""
    folded = unicodedata.normalize("NFKC", text).translate(_MATCH_QUOTES).casefold()
    return _MATCH_SPACE.sub("", folded)
