"""Turn a source page title into a plain headline: no site name, no clickbait, true.

A title that is too long is shortened only where a clause or phrase ends and the
statement survives (a trailing subordinate clause, an attribution, a bracket, a site
suffix); otherwise it is kept whole up to a hard maximum. A long true headline beats a
short false one ("…no longer considers settlements" is not "…no longer considers
settlements illegal"). Names and brands keep the source's casing (9to5Mac, iPhone, NASCAR).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from retold.text.function_words import FUNCTION_WORDS, PREPOSITIONS
from retold.text.words import wordset

# Headlines aim for TARGET_HEADLINE characters but are never cut mid-phrase to get there;
# HARD_MAX_HEADLINE is the ceiling, reached only by titles with no safe place to cut.
# MAX_HEADLINE is the old name of the target, kept for callers that cut to it.
TARGET_HEADLINE = 80
MAX_HEADLINE = TARGET_HEADLINE
HARD_MAX_HEADLINE = 120

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
_HYPE_WORDS = wordset(
    "huge epic wow omg slams slam shock shocking best worst ever free now big new must amazing"
    " incredible insane unbelievable"
)
# "You won't believe what …" leaves no statement behind: use the lede instead.
_VAGUE = re.compile(
    r"^\s*(?:you\s+won['’]?t\s+believe|this\s+is\s+(?:what|why|how)|here['’]?s\s+(?:what|why|how))\b",
    re.IGNORECASE,
)
_KNOWN_ACRONYM = re.compile(r"^[A-Z]{2,4}s?$|^[A-Z0-9]+[0-9][A-Z0-9]*$")
_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+::\s+|\s*\|\s*")
_HOST_LIKE = re.compile(r"(?:www )?[\w-]+(?: [\w-]+)* (?:com|org|net|co uk|io|news|de|fr|kr|jp)")
# A word a cut must never leave last: "…to", "…after", "…was", "…the".
_HANGING = FUNCTION_WORDS
# Words that open a clause a headline can lose without changing what it states
# ("…, officials say", "…, as talks stall", "… while engineers replace the hangers").
_COMMA_OPENERS = wordset(
    """
    but as while whereas although though because amid despite with which who according
    says said say citing after before following ahead including plus so then yet even
    report reports study sources officials police data survey
    """
)
_BARE_OPENERS = wordset("while whereas although though because amid despite")
# A head that opens with one of these is itself a subordinate clause ("In a surprise move").
_SUBORDINATE_START = PREPOSITIONS | wordset(
    "if when while although though because unless once whether as since"
)
_ATTRIBUTION = re.compile(
    r",\s+(?:[\w'’.&-]+\s+){0,4}(?:says|said|say|finds|found|warns|claims|reports|suggests"
    r"|shows|reveals|confirms)$",
    re.IGNORECASE,
)
# "… across Harrowmere", "… in the valley": where, not what; the statement survives.
_TRAILING_PLACE = re.compile(
    r"\s+(?:in|across|at|near|around|throughout|outside|inside)\s+"
    r"(?:the\s+\S+|[A-Z0-9][\w'’.&-]*)(?:\s+[A-Z0-9][\w'’.&-]*){0,3}$"
)
_PRONOUN_START = wordset("i we he she it they this that these those you")
_QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("(", ")"), ("[", "]"))


def _norm(s: str) -> str:
    # Unicode-aware: a Korean or Greek segment is words, not an empty string.
    return re.sub(r"[\W_]+", " ", s.casefold()).strip()


def _site_keys(site_name: str, url: str = "") -> set[str]:
    """Normalised ways a page may spell its site: "The Verge", "theverge", "theverge com"."""
    keys: set[str] = set()
    site = _norm(site_name)
    if site:
        keys |= {site, site.removeprefix("the "), site.replace(" ", "")}
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if host:
        keys.add(_norm(host))
        # The registered name, not a subdomain: "cloud.google.com" → "google".
        labels = host.split(".")
        second_level = len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net", "ac", "gov"}
        label = labels[-3] if second_level else labels[-2] if len(labels) >= 2 else labels[0]
        if len(label) >= 3:
            keys |= {_norm(label), label.replace("-", "")}
    return {k for k in keys if k}


def _is_outlet(segment: str, site_name: str, url: str = "") -> bool:
    seg = _norm(segment)
    if not seg:
        return True  # only punctuation or symbols
    keys = _site_keys(site_name, url)
    compact = seg.replace(" ", "")
    if seg in keys or seg.removeprefix("the ") in keys or compact in keys:
        return True
    words = seg.split()
    if len(words) > 5:
        return False
    # "Original Prusa 3D Printers" on prusa3d.com, "ABC7 New York" on abc7ny.com.
    if any(
        len(k) >= 4
        and " " not in k
        and k in compact
        and (len(words) <= 3 or len(k) >= 0.4 * len(compact))
        for k in keys
    ):
        return True
    if _HOST_LIKE.fullmatch(seg):
        return True
    if len(words) > 4:
        return False
    # Title Case, short, and ends with a newspaper word: "The Harbour Gazette", "Metro Wire".
    titled = all(w[:1].isupper() or not w[:1].isalpha() for w in segment.split())
    return titled and words[-1] in _OUTLET_WORDS


def _is_section(segment: str, rest: str) -> bool:
    """A short label ("Opinion", "7 On Your Side") beside a much longer headline."""
    words = segment.split()
    return len(words) <= 4 and len(rest.split()) > len(words)


def strip_site_name(title: str, site_name: str = "", url: str = "") -> str:
    """Remove "… | The Harbour Gazette", "Gazette: …" and " - Metro Wire" decorations."""
    t = title.strip()
    parts = [p for p in _SEPARATORS.split(t) if p.strip()] or [t]
    original = list(parts)
    dropped_site = False
    if len(parts) > 2:
        # "Headline - Site - Tagline": the site and whatever short text follows it go.
        for i in range(len(parts) - 1, 0, -1):
            if _is_outlet(parts[i], site_name, url) and all(
                len(p.split()) <= 6 for p in parts[i + 1 :]
            ):
                parts, dropped_site = parts[:i], True
                break
    if len(parts) > 1:
        while len(parts) > 1 and _is_outlet(parts[-1], site_name, url):
            parts.pop()
            dropped_site = True
        # "Headline | Section | Site": the section goes with the site.
        while dropped_site and len(parts) > 1 and _is_section(parts[-1], parts[0]):
            parts.pop()
        while len(parts) > 1 and _is_outlet(parts[0], site_name, url):
            parts.pop(0)
    # Keep the source's own separators ("— and 5 trends") between the parts that stay.
    first = original.index(parts[0])
    start = t.index(parts[0])
    end = t.index(parts[-1], start) + len(parts[-1]) if len(parts) > 1 else start + len(parts[0])
    t = t[start:end] if original[first : first + len(parts)] == parts else " - ".join(parts)
    m = re.match(r"^([^:]{2,40}):\s+(.+)$", t)
    # Before a colon only the site itself counts ("Gazette: …" on the Harbour Gazette):
    # "Teaching Online: …" merely looks like an outlet's name.
    site_words = set(_norm(site_name).split())
    if m and (
        _is_outlet(m.group(1), "", url)
        and _HOST_LIKE.fullmatch(_norm(m.group(1)))
        or site_words
        and set(_norm(m.group(1)).split()) <= site_words
        or _norm(m.group(1)) in _site_keys(site_name, url)
    ):
        t = m.group(2)
    return t.strip()


def is_site_name(title: str, site_name: str = "", url: str = "") -> bool:
    """True when ``title`` names only the site ("조선일보", "The Verge | Home")."""
    parts = [p for p in _SEPARATORS.split(title.strip()) if p.strip()]
    if not parts:
        return True
    keys = _site_keys(site_name, url)
    if len(parts) == 1:
        # One segment: only an exact match with the site counts; "Trump Attacks the Press"
        # looks like an outlet's name but is a headline.
        seg = _norm(parts[0])
        return (
            not seg
            or seg in keys
            or seg.removeprefix("the ") in keys
            or (seg.replace(" ", "") in keys)
        )
    return all(_is_outlet(p, site_name, url) or _norm(p) in _HOME_WORDS for p in parts)


_HOME_WORDS = wordset("home homepage startseite accueil inicio portada news latest 홈 首页")


def _fix_caps(title: str) -> str:
    words = title.split()
    letters = [w for w in words if any(c.isalpha() for c in w)]
    shouting = letters and all(w.upper() == w for w in letters) and len(letters) > 2
    if shouting and title.isascii():
        # ALL CAPS TITLE → sentence case, short acronyms kept. Only for plain ASCII titles:
        # elsewhere we can't tell words from names, so the title stays as written.
        out = [w if _KNOWN_ACRONYM.match(w) else w.lower() for w in words]
        return _capitalise(" ".join(out))
    if shouting:
        return title
    fixed = []
    for w in words:
        core = re.sub(r"[^A-Za-z]", "", w)
        # Only known hype words are un-shouted ("SLAMS", "HUGE"); any other capitals may be
        # a name (NASCAR, NVIDIA) and stay as the source wrote them.
        if core.isupper() and len(core) > 1 and core.lower() in _HYPE_WORDS:
            w = w.lower()
        fixed.append(w)
    return " ".join(fixed)


def _capitalise(s: str) -> str:
    """Upper-case the first letter only when the first word is a plain lowercase word.

    "council approves" → "Council approves", but "iPhone", "eBay" and "9to5Mac" stay.
    """
    first = s.split(" ", 1)[0]
    # Identifiers and domains ("rustc_codegen_gcc", "npm.js") are names: left alone.
    plain = first[1:] == first[1:].lower() and not re.search(r"[\d_.@/]", first)
    if first[:1].isalpha() and first[:1].islower() and plain:
        return s[0].upper() + s[1:]
    return s


def _normalise_start(t: str) -> str:
    # "Here's how to save energy" teaches something: it reads "How to save energy".
    t = re.sub(r"^\s*here['’]?s\s+how\s+to\s+", "How to ", t, flags=re.IGNORECASE)
    return re.sub(r"^[#*>\s]+", "", t)  # Markdown heading marks leaked into a title


def remove_clickbait(title: str) -> str:
    """Drop kickers, teasing phrases, hype punctuation and shouting."""
    t = _normalise_start(title.strip())
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


def _last_word(s: str) -> str:
    words = re.findall(r"[\w'’-]+", s)
    return words[-1].lower() if words else ""


def _balanced(s: str) -> bool:
    if s.count('"') % 2:
        return False
    return all(s.count(a) == s.count(b) for a, b in _QUOTE_PAIRS if a != "‘") and (
        s.count("‘") <= s.count("’")
    )


def ends_hanging(s: str) -> bool:
    """True when ``s`` ends on a word that needs more after it ("…to", "…after", "…the")."""
    if re.search(r"\b(?:[A-Za-z]\.){2,}[A-Za-z]?\.?$", s):
        return False  # "in the U.S.A.": an abbreviation, not the article "a"
    return _last_word(s.rstrip(" .,;:–—-…")) in _HANGING


def strip_full_stop(s: str) -> str:
    # Headlines carry no full stop, but "U.S." and "Inc." keep theirs.
    if s.endswith(".") and not re.search(r"(?:\b[A-Za-z]\.|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St)\.)$", s):
        return s.rstrip(".").rstrip()  # "… travel hacks ." too
    return s


def _head_ok(head: str) -> bool:
    head = head.rstrip()
    words = head.split()
    if len(words) < 3 or ends_hanging(head) or not _balanced(head):
        return False
    return words[0].lower().strip("\"“‘'(") not in _SUBORDINATE_START


def _tail_ok(tail: str) -> bool:
    words = tail.split()
    if len(words) < 5 or ends_hanging(tail) or not _balanced(tail):
        return False
    return words[0].lower().strip("\"“‘'(") not in _PRONOUN_START


def _cuts(t: str, tails: bool = False) -> list[str]:
    """Shorter forms of ``t`` that keep its statement, each one cut away.

    With ``tails``, also the part after a short leading label ("Ukraine war: Russia
    strikes Kyiv"); off by default because the label may be the subject ("Corti
    introduces GIM: benchmark-leading method…").
    """
    out: list[str] = []
    m = re.search(r"\s*[(\[][^()\[\]]*[)\]]\s*$", t)
    if m and m.start() > 0:
        out.append(t[: m.start()])
    # A first sentence: "Tutoring was supposed to save kids. The results? 'Sobering'".
    for m in re.finditer(r"(?<=[\w'’”\"?!)\]])([.?!])['’”\"]?\s+(?=[\"“‘'A-Z0-9])", t):
        head = t[: m.start()] + ("" if m.group(1) == "." else m.group(1))
        # A leading question is a headline only when it asks something ("How are apps
        # made?"); "Have an app idea?" is a teaser and the statement follows it.
        asks = re.match(r"(?i)(?:how|what|why|which|who|when|where|is|are|can|do|does|should)\b", t)
        if m.group(1) == "?" and not asks:
            rest = t[m.end() :]
            if tails and _tail_ok(rest):
                out.append(rest)  # the statement the teaser question leads into
            break
        if _head_ok(head.rstrip("?!")) and len(re.findall(r"\w+", t[: m.start()])[-1]) > 1:
            out.append(head)
        break  # only the first sentence: "… pandemic. The results?" is a fragment
    for m in re.finditer(r"\s+[—–-]\s+|;\s+", t):
        if _head_ok(t[: m.start()]):
            out.append(t[: m.start()])
    for m in re.finditer(r":\s+", t):
        head, tail = t[: m.start()], t[m.end() :]
        if len(head.split()) >= 4 and _head_ok(head):
            out.append(head)
        elif tails and len(head.split()) <= 4 and _tail_ok(tail):
            out.append(_capitalise(tail))
    for m in re.finditer(r",\s+([\w'’]+)", t):
        # ", warning that…", ", leaving…": a participle clause adds to the statement.
        opener = m.group(1)
        participle = opener.islower() and opener.endswith("ing") and len(opener) > 5
        if (opener.lower() in _COMMA_OPENERS or participle) and _head_ok(t[: m.start()]):
            out.append(t[: m.start()])
    m = _ATTRIBUTION.search(t)
    if m and _head_ok(t[: m.start()]):
        out.append(t[: m.start()])
    for m in re.finditer(r"\s+(\w+)(?=\s)", t):
        # "… while engineers work", but not "for a while" or "worth a while".
        before = t[: m.start()].split()[-1:] or [""]
        bare = m.group(1).lower() in _BARE_OPENERS and before[0].lower() not in {"a", "for"}
        if bare and _head_ok(t[: m.start()]):
            out.append(t[: m.start()])
    m = _TRAILING_PLACE.search(t)
    if m and _head_ok(t[: m.start()]):
        out.append(t[: m.start()])
    return [c.strip() for c in out if c.strip() and c.strip() != t]


def safe_shortenings(t: str, depth: int = 3, tails: bool = False) -> set[str]:
    """Every shorter form of ``t`` reachable by up to ``depth`` cuts that keep its statement."""
    seen: set[str] = set()
    frontier = [t]
    for _ in range(depth):
        nxt = []
        for f in frontier:
            for c in _cuts(f, tails):
                if c not in seen:
                    seen.add(c)
                    nxt.append(c)
        frontier = nxt
    return seen


def _longest_within(forms: set[str], limit: int) -> str:
    fitting = [f for f in forms if len(f) <= limit]
    return max(fitting, key=lambda f: (len(f), f)) if fitting else ""


def _phrase_cut(t: str, limit: int) -> str:
    """The longest head ≤ ``limit`` that ends where a phrase ends (before "of", "and"…)."""
    best = ""
    for m in re.finditer(r"\s+([\w'’]+)", t):
        if m.start() > limit:
            break
        if m.group(1).lower() in PREPOSITIONS | {"and", "or", "but"}:
            head = t[: m.start()].rstrip(" ,;:")
            if _head_ok(head):
                best = head
    return best


def _word_cut(t: str, limit: int) -> str:
    cut = t[: limit + 1].rfind(" ")
    head = t[:cut] if cut > 0 else t[:limit]
    prev: str | None = None
    while prev != head:
        prev = head
        head = head.rstrip(" ,;:–—-|/&")
        if ends_hanging(head) and " " in head:
            head = head.rsplit(" ", 1)[0]
    return head


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut where a clause or phrase ends.

    Tries, in order: dropping clauses that leave the statement whole; ending before a
    phrase ("… of …"); a word boundary. Never ends on a word that needs more after it.
    """
    t = text.strip()
    if len(t) <= limit:
        return t
    return (
        _longest_within(safe_shortenings(t), limit)
        or _longest_within(safe_shortenings(t, tails=True), limit)
        or _phrase_cut(t, limit)
        or _word_cut(t, limit)
    )


def fit_headline(text: str, limit: int = HARD_MAX_HEADLINE, target: int = TARGET_HEADLINE) -> str:
    """A headline of about ``target`` characters that still says what ``text`` says.

    Over ``target``, only safe cuts are made (a trailing clause, attribution, bracket or
    second sentence). With none, the headline stays whole up to ``limit``; beyond that,
    its first complete clause, and only as a last resort a cut before a phrase.
    """
    t = text.strip()
    target = min(target, limit)
    if len(t) <= target:
        return t
    forms = safe_shortenings(t)
    return _longest_within(forms, target) or (t if len(t) <= limit else shorten(t, limit))


def clean_headline(
    title: str,
    site_name: str = "",
    limit: int = HARD_MAX_HEADLINE,
    *,
    url: str = "",
    alternatives: tuple[str, ...] | list[str] = (),
    lede: str = "",
) -> str:
    """A plain headline from a source title ("" when nothing usable is left).

    ``alternatives`` are the page's other headlines (og:title, JSON-LD headline, h1), tried
    in order when the title is only the site's name or clickbait; ``lede`` is the last
    resort (its first clause).
    """
    hard = min(limit, HARD_MAX_HEADLINE)
    for candidate in (title, *alternatives):
        t = _clean_one(candidate, site_name, url, hard)
        if t:
            return t
    return headline_from_lede(lede, hard) if lede else ""


def _clean_one(title: str, site_name: str, url: str, limit: int) -> str:
    if not title.strip() or is_site_name(title, site_name, url):
        return ""
    t = strip_site_name(title, site_name, url)
    t = _normalise_start(t)
    if _VAGUE.match(t) or is_site_name(t, site_name, url):
        return ""
    t = strip_full_stop(remove_clickbait(t))
    return fit_headline(t, limit)


def headline_from_lede(text: str, limit: int = HARD_MAX_HEADLINE) -> str:
    """A headline from an article's opening: its first sentence, cut only at a clause."""
    from retold.text.sentences import split_sentences  # local: sentences is the heavier module

    first = next(iter(split_sentences(text)), "").strip()
    first = first.rstrip(".")
    if not first:
        return ""
    return fit_headline(first, min(limit, HARD_MAX_HEADLINE))


_VAGUE_OPENERS = wordset("this these that what why how who you here it")
_PRONOUNS = wordset("i you he she it we they this that these those me him her us them")


def looks_like_clickbait(title: str) -> bool:
    """True when a cleaned title is still too vague to stand as a headline.

    "Why it matters" and "This is huge" say nothing; "How to Make Furniture" and "Why I
    Teach Plato to Plumbers" say what the piece is about: a vague opener counts only when
    at most one word after it carries content.
    """
    words = re.findall(r"[\w'’-]+", title)
    if len(words) < 2:
        return True
    if words[0].lower() not in _VAGUE_OPENERS or "?" in title or len(words) >= 7:
        return False
    if words[0].lower() == "how" and words[1].lower() == "to":  # a guide's plain title
        return False
    content = [
        w for w in words[1:] if w.lower() not in FUNCTION_WORDS and w.lower() not in _PRONOUNS
    ]
    return len(content) <= 1


def headline_problems(title: str, headline: str, site_name: str = "", url: str = "") -> list[str]:
    """What is wrong with ``headline`` as a rendering of the source ``title``, if anything.

    Used by tests and training/eval_headlines.py: empty, too long, a cut that is not one of
    the safe ones, a last word that hangs, or a word whose casing the source didn't use.
    """
    if not headline:
        return ["empty"]
    problems = []
    if len(headline) > HARD_MAX_HEADLINE:
        problems.append("too long")
    whole = strip_full_stop(remove_clickbait(strip_site_name(title, site_name, url)))
    if headline != whole and headline not in safe_shortenings(whole, tails=True):
        # Over the hard maximum a cut before a phrase ("… for Martian construction") is the
        # documented last resort; anything else is a cut that may change the meaning.
        rest = whole[len(headline) :].split()
        at_phrase = whole.startswith(headline) and rest and rest[0].lower() in PREPOSITIONS
        if not (len(whole) > HARD_MAX_HEADLINE and at_phrase):
            problems.append("unsafe cut")
    if ends_hanging(headline) and _last_word(headline) != _last_word(whole):
        problems.append("ends on a function word")
    source_words = set(re.findall(r"[\w'’-]+", title))
    folded = {w.casefold() for w in source_words}
    shouting = title.upper() == title
    for w in re.findall(r"[\w'’-]+", headline)[1:]:
        if w not in source_words and w.casefold() in folded and not shouting:
            problems.append(f"recased {w!r}")
    return problems
