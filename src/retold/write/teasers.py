"""One-line teasers in the site's first-person writer voice ("I retold …").

A teaser names the story either by a noun phrase the headline itself contains ("the Old
Harbour Bridge closure") or, when there is none we can trust (Title Case headlines,
headlines in other languages, headlines with no name in them), by quoting the headline:
"I retold the Harbour Gazette's report: “Bridge shuts for six weeks”." Quoting reads as
correct English whatever the headline's language or grammar.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from retold.text.function_words import (
    AUXILIARIES,
    FOREIGN_MARKERS,
    FUNCTION_WORDS,
    is_title_case,
)
from retold.text.words import wordset
from retold.write.headlines import safe_shortenings, strip_full_stop

MAX_TEASER = 110

_TEMPLATES = (
    "I retold {outlet} report on {subject}.",
    "I read {outlet} story on {subject} and retold it.",
    "I summed up {outlet} reporting on {subject}.",
    "Here is my retelling of {outlet} story on {subject}.",
    "I condensed {outlet} account of {subject}.",
)
_MULTI_TEMPLATES = (
    "I pieced together {outlet} reports on {subject}.",
    "I retold {subject} from {outlet} reports.",
    "I compared {outlet} reports on {subject} and retold them.",
)
_IMAGINED_TEMPLATES = (
    "I imagined this story from {outlet} headline on {subject}.",
    "I only saw {outlet} headline on {subject}; the rest I imagined.",
)
# The same voices around a quoted headline ({quote} carries its own closing punctuation).
_QUOTE_TEMPLATES = (
    "I retold {outlet} report: {quote}",
    "I summed up {outlet} story: {quote}",
    "I condensed {outlet} reporting: {quote}",
    "Here is my retelling of {outlet} story: {quote}",
)
_MULTI_QUOTE_TEMPLATES = (
    "I pieced together {outlet} reports: {quote}",
    "I compared {outlet} reports and retold them: {quote}",
)
_IMAGINED_QUOTE_TEMPLATES = (
    "I imagined this story from {outlet} headline: {quote}",
    "I only saw {outlet} headline and imagined the rest: {quote}",
)
_PLAIN = {
    "single": "I retold {outlet} report.",
    "multi": "I pieced together {outlet} reports.",
    "imagined": "I imagined this story from {outlet} headline.",
}

_NEWSPAPER_WORDS = wordset(
    "gazette times post herald courier ledger journal tribune chronicle observer express mail "
    "guardian telegraph press star wire echo record sentinel standard examiner independent "
    "mirror register bulletin dispatch inquirer review"
)
# Nouns that name what happened and are rarely verbs, so "<name> <noun>" is a noun phrase
# ("the Old Harbour Bridge closure"); "fire", "ban", "strike" are left out because
# "Tories fire minister" is a clause.
_EVENT_NOUNS = wordset(
    """
    closure reopening trial verdict election budget storm flood merger takeover proposal
    tender investment shortage inquiry final lawsuit scandal referendum acquisition
    bankruptcy layoffs outage recall shutdown
    """
)
_ENTITY = re.compile(r"(?:[A-Z][\w’'&.-]*(?:\s+(?:of|the|and|de|van|von|&)\s+|\s+)?)+")
# Capitalised only because they start the headline or a clause, not part of a name.
_STOP_CAPS = wordset(
    "The A An In On At By For From With After Before This That These Those It He She They We I "
    "But And Or If When While As Why How What Who Where Is Are Was Will Can "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "January February March April May June July August September October November December "
    "Mr Mrs Ms Dr One Two Three Four Five Six Seven Eight Nine Ten Spring Summer Autumn Winter"
)
_JOINERS = frozenset({"of", "the", "and", "de", "&", "van", "von"})
# Single-word site names that say nothing about the outlet ("Hosted", "Home", "Blog").
_GENERIC_SITE = wordset(
    "home homepage hosted blog news website site index default untitled article articles "
    "wordpress page posts latest"
)


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def outlet_name(site_name: str, url: str = "") -> str:
    """The outlet's name for a sentence: the site name if it is a name, else the host.

    "Housecall Pro - The #1 all-in-one solution…" → "Housecall Pro"; a one-word name that
    is generic or unrelated to the host ("Hosted" on news.example.com) → the host.
    """
    name = re.split(r"\s+[|–—:-]\s+|\s*\|\s*", site_name.strip())[0].strip()
    host = _host(url)
    words = name.split()
    if not words or len(words) > 6 or len(name) > 40 or not re.search(r"\w", name):
        return host
    if len(words) == 1 and host:
        compact = re.sub(r"\W+", "", name.casefold())
        if compact in _GENERIC_SITE or compact not in re.sub(r"[\W_]+", "", host.casefold()):
            return host
    elif len(words) == 1 and name.casefold() in _GENERIC_SITE:
        return ""
    return name


def outlet_possessive(site_name: str, url: str = "") -> str:
    """ "Harbour Gazette" → "the Harbour Gazette's"; "Reuters" → "Reuters'"."""
    name = outlet_name(site_name, url)
    if not name:
        return "the original"
    return _possessive(_with_article(name))


def _possessive(name: str) -> str:
    # One rule everywhere: a name ending in "s" takes a bare apostrophe (Reuters', The Times').
    return name + ("'" if name.endswith(("s", "S")) else "'s")


def _with_article(name: str) -> str:
    """ "Harbour Gazette" reads "the Harbour Gazette"; "The Valley Ledger" already has it."""
    if not name.lower().startswith("the ") and name.split()[-1].lower() in _NEWSPAPER_WORDS:
        return "the " + name
    return name


def _outlets(site_names: Sequence[str], url: str = "") -> str:
    names: list[str] = []
    for n in site_names:
        n = outlet_name(n) or n.strip()
        if n and n not in names:
            names.append(n)
    if not names:
        return "several"
    fixed = [_with_article(n) for n in names]
    if len(fixed) == 1:
        return _possessive(fixed[0])
    if len(fixed) == 2:
        return f"{fixed[0]} and {fixed[1]}"
    return f"{len(fixed)} outlets'"


def _is_english(headline: str) -> bool:
    words = re.findall(r"[A-Za-z’']+", headline.lower())
    letters = [c for c in headline if c.isalpha()]
    if not letters or sum(c.isascii() for c in letters) < 0.9 * len(letters):
        return False
    english = sum(w in FUNCTION_WORDS for w in words)
    return english >= sum(w in FOREIGN_MARKERS for w in words)


def subject_of(headline: str, text: str, site_names: Sequence[str] = ()) -> str:
    """What the story is about, as a noun phrase ("the Old Harbour Bridge closure")."""
    found = subjects(headline, text, site_names)
    return found[0] if found else "this story"


def subjects(headline: str, text: str, site_names: Sequence[str] = ()) -> list[str]:
    """Noun phrases naming what the story is about, best first (may be empty).

    Only for English headlines in sentence case: a multi-word name the headline contains,
    with the event noun that follows it there ("Old Harbour Bridge closure").
    """
    if not _is_english(headline) or is_title_case(headline):
        return []
    site_words = {w.lower() for n in site_names for w in n.split()}
    best, best_score, best_end = "", 0.0, 0
    for m in _ENTITY.finditer(headline):
        words = m.group(0).split()
        # Strip words capitalised only for position, at the edges; never inside a name.
        while words and words[0].strip("’'") in _STOP_CAPS:
            words.pop(0)
        while words and (words[-1] in _STOP_CAPS or words[-1].lower() in _JOINERS):
            words.pop()
        if not words:
            continue
        last = words[-1]
        if last.endswith(("’s", "'s")):
            words[-1] = last[:-2]
        if len(words) < 2 or {w.lower() for w in words} <= site_words:
            continue
        phrase = " ".join(words)
        if phrase not in headline or len(words) >= len(headline.split()) - 1:
            continue
        score = (1 + text.count(phrase)) * len(words)
        if score > best_score:
            best, best_score = phrase, score
            best_end = headline.index(phrase) + len(phrase)
    if not best:
        return []
    subject = _maybe_the(best, text)
    nxt = re.match(r"\s+([a-z]+)\b", headline[best_end:])
    out = []
    if nxt and nxt.group(1) in _EVENT_NOUNS:
        out.append(f"{subject} {nxt.group(1)}")
    out.append(subject)
    return out


def _maybe_the(phrase: str, text: str) -> str:
    # Keep "the" when the source says "the Old Harbour Bridge".
    return f"the {phrase}" if re.search(rf"\b[Tt]he {re.escape(phrase)}", text) else phrase


def quote_headline(headline: str) -> str:
    """The headline in curly quotes, inner quotes made single, one closing mark."""
    h = strip_full_stop(headline.strip())
    h = h.replace("“", "‘").replace("”", "’")
    h = re.sub(r'"([^"]*)"', r"‘\1’", h).replace('"', "")
    # One closing mark: "…safe?”" and "…in the U.S.”" need no extra full stop.
    return f"“{h}”" + ("" if h.endswith(("?", "!", ".")) else ".")


def _pick(templates: Sequence[str], key: str) -> list[str]:
    start = int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % len(templates)
    return [templates[(start + i) % len(templates)] for i in range(len(templates))]


def make_teaser(
    headline: str,
    text: str,
    site_names: Sequence[str],
    *,
    url: str = "",
    imagined: bool = False,
    limit: int = MAX_TEASER,
) -> str:
    """A first-person teaser of at most ``limit`` characters, chosen deterministically."""
    named = [n for n in site_names if n.strip()]
    templates: Sequence[str]
    quoted: Sequence[str]
    if len(set(named)) > 1:
        kind = "multi"
        outlet = _outlets(named, url)
        templates, quoted = _MULTI_TEMPLATES, _MULTI_QUOTE_TEMPLATES
    else:
        kind = "imagined" if imagined else "single"
        outlet = outlet_possessive(named[0] if named else "", url)
        templates = _IMAGINED_TEMPLATES if imagined else _TEMPLATES
        quoted = _IMAGINED_QUOTE_TEMPLATES if imagined else _QUOTE_TEMPLATES
    found = subjects(headline, text, site_names)
    # Best first: a name with its event, the headline quoted whole, a bare name, the
    # headline quoted without a droppable clause, and a line with no subject at all.
    options: list[tuple[Sequence[str], str, str]] = []
    if found and found[0] != found[-1]:
        options.append((templates, "subject", found[0]))
    if headline.strip():
        options.append((quoted, "quote", quote_headline(headline)))
    if found:
        options.append((templates, "subject", found[-1]))
    if headline.strip():
        for form in sorted(safe_shortenings(headline.strip().rstrip(".")), key=len, reverse=True):
            options.append((quoted, "quote", quote_headline(form)))
    for tpls, field, value in options:
        for tpl in _pick(tpls, headline):
            line = tpl.format(outlet=outlet, **{field: value})
            if len(line) <= limit:
                return _upper_first(line)
    line = _PLAIN[kind].format(outlet=outlet)
    return _upper_first(line if len(line) <= limit else "I retold this story.")


def _upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def teaser_problems(teaser: str) -> list[str]:
    """Simple English checks a teaser must pass; names of the failed checks."""
    problems = []
    outside = re.sub(r"“[^”]*”", "“”", teaser)  # the quoted headline is the source's words
    if not teaser[:1].isupper():
        problems.append("lowercase start")
    if not re.search(r"(?:[.]|[?!]”|\.”)$", teaser):
        problems.append("no final period")
    if teaser.count("“") != teaser.count("”") or teaser.count('"') % 2:
        problems.append("unbalanced quotes")
    last = re.findall(r"[\w'’]+", outside.rstrip("“”.?! "))
    if (
        outside.rstrip(".").rstrip().endswith("“”") is False
        and last
        and last[-1].lower() in (FUNCTION_WORDS - {"it", "them"})
    ):
        problems.append("dangling function word")
    if re.search(r"\b(\w+)\s+\1\b", outside, re.IGNORECASE):
        problems.append("doubled word")
    m = re.search(r"\b(?:how|why)\s+([^.;:“]*)", outside, re.IGNORECASE)
    if m and not any(
        w.lower() in AUXILIARIES or re.fullmatch(r"[a-z]+(?:s|ed)", w) for w in m.group(1).split()
    ):
        problems.append("how/why without a clause")
    if re.search(r"s's\b|'s's\b|’s's\b", outside):
        problems.append("bad possessive")
    return problems


__all__ = [
    "MAX_TEASER",
    "make_teaser",
    "outlet_name",
    "outlet_possessive",
    "quote_headline",
    "subject_of",
    "subjects",
    "teaser_problems",
]
