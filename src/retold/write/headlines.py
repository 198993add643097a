"""Turn a source page title into a plain headline: no site name, no clickbait, ≤ 80 chars."""

from __future__ import annotations

import re

from retold.write.wordlists import wordset

MAX_HEADLINE = 80

# Words that mark a title segment as an outlet's name ("Metro Wire", "The Harbour Gazette").
_OUTLET_WORDS = wordset(
    """
    gazette times post herald courier ledger journal tribune chronicle daily observer express
    mail guardian telegraph press star wire news echo record sentinel standard examiner
    independent mirror sun register bulletin dispatch inquirer review weekly today online
    magazine radio tv television network media reuters ap afp bbc cnn npr
    """
)

# Kickers and labels that sit before a colon: "BREAKING:", "Watch:", "Exclusive:".
_KICKERS = re.compile(
    r"^\s*(?:breaking(?:\s+news)?|just\s+in|exclusive|watch|video|photos?|pictures|live"
    r"|update[ds]?|developing|revealed|read|listen|podcast|opinion|analysis|explainer"
    r"|shock(?:ing)?|must[\s-]see|urgent|alert)\s*[:\-–—|]\s*",
    re.IGNORECASE,
)

# Clickbait phrasing, removed wherever it sits; each leaves a plain statement behind.
_CLICKBAIT_PREFIX = re.compile(
    r"^\s*(?:you\s+won['’]?t\s+believe\s+(?:what|how|why|who|where|when)?\s*"
    r"|you\s+need\s+to\s+know\s+(?:about\s+)?"
    r"|this\s+is\s+(?:what|why|how)\s+"
    r"|here['’]?s\s+(?:what|why|how)\s+"
    r"|what\s+we\s+know\s+(?:so\s+far\s+)?about\s+"
    r"|everything\s+you\s+need\s+to\s+know\s+about\s+"
    r"|all\s+you\s+need\s+to\s+know\s+about\s+)",
    re.IGNORECASE,
)
_CLICKBAIT_SUFFIX = re.compile(
    r"\s*(?:[-–—:,|.]\s*|\s)(?:and\s+)?(?:here['’]?s\s+(?:why|what\s+(?:we\s+know|happens\s+next|it\s+means"
    r"|you\s+need\s+to\s+know)|how|the\s+reason)"
    r"|what\s+we\s+know(?:\s+so\s+far)?"
    r"|(?:and\s+)?(?:you\s+won['’]?t\s+believe|the\s+(?:reason|answer)\s+(?:will|may)\s+(?:shock|surprise)\s+you)"
    r"|(?:this|it)\s+(?:will|may)\s+(?:shock|surprise)\s+you"
    r"|what\s+happens\s+next)\b.*$",
    re.IGNORECASE,
)
_HYPE_PUNCT = re.compile(r"\s*(?:[!?]\s*){2,}$|\s*!+\s*$")
_HYPE_WORDS = wordset("huge epic wow omg slams slam shock best worst ever free now big new must")
# "You won't believe what …" leaves no statement behind: use the lede instead.
_VAGUE = re.compile(
    r"^\s*(?:you\s+won['’]?t\s+believe|this\s+is\s+(?:what|why|how)|here['’]?s\s+(?:what|why|how))\b",
    re.IGNORECASE,
)
_KNOWN_ACRONYM = re.compile(r"^[A-Z]{2,4}s?$|^[A-Z0-9]+[0-9][A-Z0-9]*$")
_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+::\s+")
_TRAILING_JUNK = re.compile(
    r"[\s,;:–—-]+$|\s+(?:and|or|of|the|a|an|to|in|on|for|with|at|by|from|as|but|while|after"
    r"|before|when|because|despite|without|about|across|through|under|between|against|around|toward|towards|near|within|via|per|up|down|off|out|into|onto|upon|that|which|who|whose|where|amid|over|into|than|its|their|his|her"
    r"|is|are|was|were|will|has|have|had|says|said|not|no|this|these|those)$",
    re.IGNORECASE,
)


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def _is_outlet(segment: str, site_name: str) -> bool:
    seg = _norm(segment)
    if not seg:
        return True
    site = _norm(site_name)
    if site and (seg == site or seg.removeprefix("the ") == site.removeprefix("the ")):
        return True
    words = seg.split()
    if len(words) > 4:
        return False
    if re.fullmatch(r"(?:www )?[a-z0-9-]+(?: [a-z0-9-]+)* (?:com|org|net|co uk|io|news)", seg):
        return True
    # Title Case, short, and ends with a newspaper word: "The Harbour Gazette", "Metro Wire".
    titled = all(w[:1].isupper() or not w[:1].isalpha() for w in segment.split())
    return titled and words[-1] in _OUTLET_WORDS


def strip_site_name(title: str, site_name: str = "") -> str:
    """Remove "… | The Harbour Gazette", "Gazette: …" and " - Metro Wire" decorations."""
    t = title.strip()
    parts = _SEPARATORS.split(t)
    if len(parts) > 1:
        while len(parts) > 1 and _is_outlet(parts[-1], site_name):
            parts.pop()
        while len(parts) > 1 and _is_outlet(parts[0], site_name):
            parts.pop(0)
        t = " - ".join(parts) if len(parts) > 1 else parts[0]
    m = re.match(r"^([^:]{2,40}):\s+(.+)$", t)
    if m and _is_outlet(m.group(1), site_name):
        t = m.group(2)
    return t.strip()


def _fix_caps(title: str) -> str:
    words = title.split()
    letters = [w for w in words if any(c.isalpha() for c in w)]
    if letters and all(w.upper() == w for w in letters) and len(letters) > 2:
        # ALL CAPS TITLE → sentence case, acronyms kept.
        out = [w if _KNOWN_ACRONYM.match(w) else w.lower() for w in words]
        return _capitalise(" ".join(out))
    fixed = []
    for w in words:
        core = re.sub(r"[^A-Za-z]", "", w)
        if core.isupper() and (len(core) >= 6 or core.lower() in _HYPE_WORDS):
            w = w.lower()  # shouting mid-title ("SHOCKING", "HUGE")
        fixed.append(w)
    return " ".join(fixed)


def _capitalise(s: str) -> str:
    for i, c in enumerate(s):
        if c.isalpha():
            return s[:i] + c.upper() + s[i + 1 :]
    return s


def remove_clickbait(title: str) -> str:
    """Drop kickers, teasing phrases, hype punctuation and shouting."""
    t = title.strip()
    for _ in range(3):
        before = t
        t = _KICKERS.sub("", t)
        t = _CLICKBAIT_PREFIX.sub("", t)
        t = _CLICKBAIT_SUFFIX.sub("", t)
        t = _HYPE_PUNCT.sub(lambda m: "?" if "?" in m.group(0) else "", t).strip()
        if t == before:
            break
    t = _fix_caps(t)
    t = re.sub(r"\s{2,}", " ", t).strip(" -–—:|,")
    return _capitalise(t)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a clause or word boundary."""
    t = text.strip()
    if len(t) <= limit:
        return t
    window = t[: limit + 1]
    # Prefer a clause boundary in the second half of the window.
    for sep in (": ", "; ", " – ", " — ", " - ", ", "):
        cut = window.rfind(sep)
        if cut >= limit // 2:
            return _TRAILING_JUNK.sub("", t[:cut]).strip()
    cut = window.rfind(" ")
    head = t[:cut] if cut > 0 else t[:limit]
    prev: str | None = None
    while prev != head:
        prev = head
        head = _TRAILING_JUNK.sub("", head).strip()
    return head


def clean_headline(title: str, site_name: str = "", limit: int = MAX_HEADLINE) -> str:
    """A plain headline from a source title ("" when nothing usable is left)."""
    t = strip_site_name(title, site_name)
    if _VAGUE.match(t):
        return ""
    t = remove_clickbait(t)
    t = t.rstrip(".")
    return shorten(t, limit)


def looks_like_clickbait(title: str) -> bool:
    """True when a cleaned title is still too vague to stand as a headline."""
    words = title.split()
    if len(words) < 2:
        return True
    return bool(
        re.match(r"^(?:this|these|that|what|why|how|who|you|here)\b", title, re.IGNORECASE)
        and "?" not in title
        and len(words) < 7
    )
