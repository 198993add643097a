"""Recognise mojibake: text decoded with the wrong character set.

A Windows-1252 page read as cp775 reads "Cafķ reopens" and "Josķ N·±ez"; UTF-8 read
as Windows-1252 reads "CafÃ© reopens"; Russian read as Windows-1252 reads "Ïðèâåò".
Decoding with the wrong table only ever produces *non-ASCII* characters, in
combinations real writing almost never has. This module names those combinations:

- C1 control characters (U+0080-U+009F) and U+FFFD replacement characters;
- UTF-8 read as a single-byte charset ("Ã©", "â€™"): the text re-encodes to valid UTF-8;
- box-drawing and block characters (the DOS code pages' favourites);
- a non-ASCII symbol between two letters ("N·±ez"), except Catalan "l·l";
- a word mixing Latin with Cyrillic or Greek ("Cafй");
- a long Latin word made mostly of accented letters ("Ïðèâåò");
- an accented capital inside a lower-case word ("CafÃ").

:func:`find_mojibake` lists what it found (strong signals only: it is meant to be
run over every published sentence, so it must not flag real names such as "Dvořák",
"Łódź", "Þórður" or "Nguyễn"); :func:`implausibility` is a finer score used to
choose between candidate decodings of the same bytes, where rare-but-legal letters
count a little too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_C1 = re.compile(r"[\u0080-\u009f]")
_BOX = re.compile(r"[\u2500-\u259f]")
_REPLACEMENT = "\ufffd"
# A lead byte of a UTF-8 sequence read as cp1252/latin-1, then continuation bytes so read.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_DOUBLE_UTF8 = re.compile("[\u00c2-\u00f4][\u0080-\u00bf" + re.escape(_CP1252_HIGH) + "]{1,3}")
_NON_ASCII_TOKEN = re.compile(r"\S*[^\x00-\x7f\s]\S*")
_WORD = re.compile(r"[^\W\d_](?:[\w'’·\u00ad-]*[^\W\d_])?")
# Non-ASCII punctuation that does sit between letters in real text.
_JOINERS = set("’‘‐‑–—…·\u00ad\u200b\u200c\u200d\u2060")
# Non-ASCII characters that are neither letters, digits nor combining marks.
_SYMBOL_RUN = re.compile(r"(?:(?![\x00-\x7f])[^\w\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff])+")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str  # the offending fragment

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r}"


def _script(ch: str) -> str:
    """A coarse script for a letter: latin, cyrillic, greek, or other."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if 0x400 <= code <= 0x52F:
        return "cyrillic"
    if 0x370 <= code <= 0x3FF or 0x1F00 <= code <= 0x1FFF:
        return "greek"
    return "other"


def _spaced_letter(ch: str) -> bool:
    return ch.isalpha() and _script(ch) != "other"


def _greek_inside_latin(word: str) -> bool:
    return any(
        _script(b) == "greek" and _script(a) == "latin" and _script(c) == "latin"
        for a, b, c in zip(word, word[1:], word[2:], strict=False)
        if a.isalpha() and c.isalpha()
    )


def _likely_repair(ch: str) -> bool:
    # What double-encoded Western text turns back into: accented letters, quotes, €, ™.
    code = ord(ch)
    return 0xA0 <= code <= 0x24F or 0x2000 <= code <= 0x206F or ch in "€™"


def _double_encoded(fragment: str) -> bool:
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = fragment.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(fixed) < len(fragment) and all(_likely_repair(c) for c in fixed if ord(c) > 127):
            return True
    return False


def find_mojibake(text: str) -> list[Finding]:
    """The mojibake fragments in ``text`` (empty for clean text in any language)."""
    if text.isascii():
        return []
    found: list[Finding] = []
    for match in _C1.finditer(text):
        found.append(Finding("C1 control character", match.group()))
    if _REPLACEMENT in text:
        found.append(Finding("replacement character", _REPLACEMENT))
    for match in _BOX.finditer(text):
        # Drawn tables are real ("┌───┐"); a box character against a letter is a mis-decode.
        i, j = match.start(), match.end()
        if i and text[i - 1].isalpha():
            found.append(
                Finding("box-drawing character inside a word", text[max(0, i - 8) : j + 8])
            )
    for match in _DOUBLE_UTF8.finditer(text):
        if _double_encoded(match.group()):
            found.append(Finding("UTF-8 read as a single-byte charset", match.group()))
    for match in _NON_ASCII_TOKEN.finditer(text):  # only these can hold mojibake
        found.extend(_word_findings(match.group()))
    return found


def _word_findings(token: str) -> list[Finding]:
    out: list[Finding] = []
    # A run of non-ASCII symbols with a letter on each side: "N·±ez", "Caf©s".
    for match in _SYMBOL_RUN.finditer(token):
        run, i, j = match.group(), match.start(), match.end()
        # Only between letters of alphabets written with spaces: CJK text runs its
        # words and punctuation ("。") together.
        flanked = (
            i > 0 and j < len(token) and _spaced_letter(token[i - 1]) and _spaced_letter(token[j])
        )
        # Quotes, dashes and ellipses run into words in real text ("warns—“could").
        if flanked and not all(ch in _JOINERS or 0x2000 <= ord(ch) <= 0x206F for ch in run):
            if run == "×":  # "X×Y" is arithmetic
                continue
            out.append(Finding("symbol inside a word", token))
            break
    for word in _WORD.findall(token):
        letters = [c for c in word if c.isalpha()]
        scripts = {_script(c) for c in letters} - {"other"}
        if {"latin", "cyrillic"} <= scripts or _greek_inside_latin(word):
            # Math writes "Δx" and "Scoreπ"; only a Greek letter inside a Latin word counts.
            out.append(Finding("Latin mixed with another script in one word", word))
            continue
        if scripts != {"latin"}:
            continue
        accented = [c for c in letters if not c.isascii()]
        if len(letters) >= 4 and (
            len(accented) == len(letters)
            or (len(letters) >= 5 and len(accented) > 0.6 * len(letters))
        ):
            out.append(Finding("a word made of accented letters", word))
            continue
        for a, b in zip(word, word[1:], strict=False):
            if a.isalpha() and a.islower() and b.isupper() and not b.isascii():
                out.append(Finding("an accented capital inside a word", word))
                break
    return out


def looks_like_mojibake(text: str) -> bool:
    return bool(find_mojibake(text))


def _letter_cost(ch: str) -> float:
    """How unusual a non-ASCII character is in running text (for comparing decodings)."""
    code = ord(ch)
    if 0xC0 <= code <= 0xFF and ch.isalpha():
        return 0.05  # Latin-1 letters: French, German, Spanish, Portuguese, Nordic...
    if 0x100 <= code <= 0x17F:
        return 0.3  # Latin Extended-A: Central European and Baltic letters
    if 0x180 <= code <= 0x24F or 0x1E00 <= code <= 0x1EFF:
        return 0.4
    if 0x250 <= code <= 0x2FF:
        return 2.0  # IPA and spacing modifiers: almost never in news
    if 0xFF61 <= code <= 0xFF9F:
        return 1.0  # half-width katakana: legacy, and a classic mis-decode product
    if ch.isalpha():
        return 0.02  # letters of other scripts, judged by the word rules
    category = unicodedata.category(ch)
    if category in ("Co", "Cn", "Cs"):
        return 3.0  # private use, unassigned, surrogates
    if category.startswith("S") or category == "No":
        return 0.5  # ±, ©, ¶, ½ ...: rare in prose
    return 0.1


def implausibility(text: str) -> float:
    """Mojibake per 100 characters: 0 for clean text; lower is more plausible."""
    if not text:
        return 0.0
    strong = 5.0 * len(find_mojibake(text))
    weak = sum(_letter_cost(ch) for ch in text if not ch.isascii() and not ch.isspace())
    return 100.0 * (strong + weak) / max(len(text), 1)
