"""One-line teasers in the site's first-person writer voice ("I retold …")."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from retold.write.headlines import shorten
from retold.write.wordlists import wordset

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

_NEWSPAPER_WORDS = wordset(
    "gazette times post herald courier ledger journal tribune chronicle observer express mail "
    "guardian telegraph press star wire echo record sentinel standard examiner independent "
    "mirror register bulletin dispatch inquirer review"
)
# Nouns that name what happened; "the Old Harbour Bridge" + "closure".
_EVENT_NOUNS = (
    "closure",
    "reopening",
    "opening",
    "trial",
    "verdict",
    "strike",
    "election",
    "budget",
    "storm",
    "flood",
    "fire",
    "crash",
    "arrests",
    "arrest",
    "merger",
    "takeover",
    "ban",
    "plan",
    "proposal",
    "tender",
    "study",
    "deal",
    "final",
    "return",
    "investment",
    "cuts",
    "warning",
    "protest",
    "inquiry",
    "report",
    "launch",
    "sale",
    "rise",
    "fall",
    "shortage",
)
_ENTITY = re.compile(r"(?:[A-Z][\w’'&-]*(?:\s+(?:of|the|and|de|van|von|&)\s+|\s+)?)+")
_STOP_CAPS = wordset(
    "The A An In On At By For From With After Before This That These Those It He She They We I "
    "But And Or If When While As Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "January February March April May June July August September October November December "
    "Mr Mrs Ms Dr One Two Three Four Five Six Seven Eight Nine Ten Former New Late Lost "
    "Spring Summer Autumn Winter"
)


def outlet_possessive(site_name: str, url: str = "") -> str:
    """ "Harbour Gazette" → "the Harbour Gazette's"; "Reuters" → "Reuters'"."""
    name = site_name.strip() or _host(url)
    if not name:
        return "the original"
    name = _with_article(name)
    return name + ("'" if name.endswith("s") else "'s")


def _with_article(name: str) -> str:
    """ "Harbour Gazette" reads "the Harbour Gazette"; "The Valley Ledger" already has it."""
    if not name.lower().startswith("the ") and name.split()[-1].lower() in _NEWSPAPER_WORDS:
        return "the " + name
    return name


def _outlets(site_names: Sequence[str]) -> str:
    names = []
    for n in site_names:
        n = n.strip()
        if n and n not in names:
            names.append(n)
    if not names:
        return "several"
    fixed = [_with_article(n) for n in names]
    if len(fixed) == 1:
        return fixed[0] + "'s"
    if len(fixed) == 2:
        return f"{fixed[0]} and {fixed[1]}"
    return f"{len(fixed)} outlets'"


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def subject_of(headline: str, text: str, site_names: Sequence[str] = ()) -> str:
    """What the story is about, as a noun phrase ("the Old Harbour Bridge closure")."""
    return subjects(headline, text, site_names)[0]


def subjects(headline: str, text: str, site_names: Sequence[str] = ()) -> list[str]:
    """Ways to name what the story is about, best first.

    A multi-word name from the headline that the story keeps using ("the Old
    Harbour Bridge closure"); then "how <headline>", which reads well for
    headline-style statements; then "this story".
    """
    out: list[str] = []
    site_words = {w.lower() for n in site_names for w in n.split()}
    head_l = headline.lower()
    best, best_score = "", 0.0
    for m in _ENTITY.finditer(headline):
        words = [w.strip("’'-&,").removesuffix("’s").removesuffix("'s") for w in m.group(0).split()]
        words = [w for w in words if w and w not in _STOP_CAPS]
        while words and words[0].lower() in _JOINERS:
            words.pop(0)
        while words and words[-1].lower() in _JOINERS:
            words.pop()
        if len(words) < 2 or {w.lower() for w in words} <= site_words:
            continue
        phrase = " ".join(words)
        score = (1 + text.count(phrase)) * len(words)
        if score > best_score:
            best, best_score = phrase, score
    if best:
        subject = _maybe_the(best, text)
        event = next((e for e in _EVENT_NOUNS if re.search(rf"\b{e}\b", head_l)), "")
        if event and event not in subject.lower():
            out.append(f"{subject} {event}")
        out.append(subject)
    claim = _lower_first(headline.split(": ", 1)[-1], text)
    out.append(claim if claim.lower().startswith("how ") else "how " + claim)
    out.append("this story")
    return out


_JOINERS = frozenset({"of", "the", "and", "de", "&", "van", "von"})


def _maybe_the(phrase: str, text: str) -> str:
    # Keep "the" when the source says "the Old Harbour Bridge".
    return f"the {phrase}" if re.search(rf"\bthe {re.escape(phrase)}", text) else phrase


def _lower_first(s: str, text: str) -> str:
    # Lowercase the headline's first word only if the story writes it in lowercase too
    # ("Frost destroyed" → "frost destroyed", but "Harrowmere port" stays).
    first = s.split(" ", 1)[0]
    if first and first[0].isupper() and re.search(rf"\b{re.escape(first.lower())}\b", text):
        return s[0].lower() + s[1:]
    return s


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
    options = subjects(headline, text, site_names)
    templates: Sequence[str]
    if len({n for n in site_names if n.strip()}) > 1:
        templates, outlet = _MULTI_TEMPLATES, _outlets(site_names)
    else:
        templates = _IMAGINED_TEMPLATES if imagined else _TEMPLATES
        outlet = outlet_possessive(site_names[0] if site_names else "", url)
    order = _pick(templates, headline)
    for subject in options:
        for tpl in order:
            line = tpl.format(outlet=outlet, subject=subject)
            if len(line) <= limit:
                return _upper_first(line)
    return _upper_first(shorten(f"I retold {outlet} report", limit - 1) + ".")


def _upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]
