"""Writing systems: which script a text is in, and how its words and sentences are marked.

Three kinds of script matter to Retold:

- scripts that put spaces between words (Latin, Cyrillic, Greek, Hangul, Arabic, ...):
  a word is a run of non-space characters;
- CJK ideographs and kana (Chinese, Japanese), written without spaces: each character
  counts as one word, the convention word processors use for East Asian text and close to
  what a reader counts (Chinese is read at about as many characters a minute as English
  words); sentences end with 。！？ whether or not a space follows;
- Thai, Lao and Khmer, written without spaces between words and usually without sentence
  punctuation: a space separates phrases and sentences, so a space between two letters of
  these scripts ends a sentence, and a word is counted as four letters (combining vowel and
  tone marks aside), about the length of a Thai word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Han ideographs (with extensions and compatibility forms), kana, halfwidth katakana.
CJK = (
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0002fa1f"
)
# CJK symbols and punctuation, and fullwidth punctuation: neither words nor word parts.
CJK_PUNCT = "\u3000-\u303f\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# Written without spaces between words; a space marks a phrase or sentence break.
PHRASE_SPACED = "\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff"

_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x0DFF, "indic"),
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x1000, 0x109F, "myanmar"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x1200, 0x139F, "ethiopic"),
    (0x1780, 0x17FF, "khmer"),
    (0x1E00, 0x1EFF, "latin"),
    (0x3040, 0x30FF, "cjk"),
    (0x3400, 0x9FFF, "cjk"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xF900, 0xFAFF, "cjk"),
    (0xFF21, 0xFF5A, "latin"),
    (0xFF66, 0xFF9F, "cjk"),
    (0x20000, 0x2FA1F, "cjk"),
)

# Scripts whose sentences the checker's rules can read (see `checker_supports`).
CHECKED_SCRIPTS = frozenset({"latin"})

_NAMES = {
    "latin": "Latin",
    "cjk": "Chinese or Japanese",
    "thai": "Thai",
    "lao": "Lao",
    "khmer": "Khmer",
    "hangul": "Korean",
    "cyrillic": "Cyrillic",
    "greek": "Greek",
    "arabic": "Arabic",
    "hebrew": "Hebrew",
    "devanagari": "Devanagari",
    "indic": "Indic",
    "myanmar": "Myanmar",
    "georgian": "Georgian",
    "armenian": "Armenian",
    "ethiopic": "Ethiopic",
}


def script_of_char(char: str) -> str:
    """The script of one letter ("" for digits, punctuation, spaces and unknown letters)."""
    code = ord(char)
    if code < 0x80:
        return "latin" if char.isalpha() else ""
    for low, high, name in _RANGES:
        if low <= code <= high:
            return name if char.isalpha() or name == "cjk" else ""
    return ""


def dominant_script(text: str, sample: int = 4000) -> str:
    """The script most of the letters of ``text`` are in ("" when it has no letters).

    Only the first ``sample`` characters are read: a page keeps to one script, and a few
    thousand characters decide it without reading a long page twice.
    """
    head = text[:sample]
    if head.isascii():
        return "latin" if any(c.isalpha() for c in head) else ""
    counts = Counter(s for s in map(script_of_char, head) if s)
    return counts.most_common(1)[0][0] if counts else ""


def script_name(script: str) -> str:
    """How a sentence names a script: "Thai", "Chinese or Japanese"."""
    return _NAMES.get(script, script or "an unknown")


def checker_supports(script: str) -> bool:
    """Whether the checker's rules can read text in ``script``.

    Its name, number, negation and opposite rules read Latin letters (capitals mark names,
    digits and English number words mark figures), so only Latin-script text is checked
    sentence by sentence; other scripts can only be matched verbatim against the source.
    Text without letters has nothing to misread.
    """
    return script in CHECKED_SCRIPTS or script == ""


_WORD_PIECES = re.compile(rf"([{CJK}])|([{PHRASE_SPACED}]+)|[^\s{CJK}{CJK_PUNCT}{PHRASE_SPACED}]+")


_SPACELESS = re.compile(f"[{CJK}{CJK_PUNCT}{PHRASE_SPACED}]")


def word_count(text: str) -> int:
    """Words in ``text``, for every script (see the module docstring for the convention).

    For text with spaces between words this is ``len(text.split())``.
    """
    # The common case, fast: this runs for every paragraph and furniture block of every page.
    if text.isascii() or not _SPACELESS.search(text):
        return len(text.split())
    n = 0
    for m in _WORD_PIECES.finditer(text):
        run = m.group(2)
        if run:
            letters = sum(1 for c in run if unicodedata.category(c) != "Mn")
            n += max(1, -(-letters // 4))
        else:
            n += 1
    return n
