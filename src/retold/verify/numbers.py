"""Numbers, amounts, percentages, dates, seasons and durations, in digits or words, normalised.

"eighteen months" and "18 months" give the same :class:`Quantity`; so do "4.2 million"
and "4,200,000", "a third" and "33%" (compared with a tolerance), "£5m" and "5 million pounds".
Times, lengths and masses in different units match when they convert ("a year and a half" =
"18 months", "40 kilometres" ~ "25 miles").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retold.text.numbers import SCALES, SMALL, TENS
from retold.text.stopwords import STOPWORDS

_UNITS = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "pc": "%",
    "percentage point": "%pt",
    "£": "pound",
    "pound": "pound",
    "sterling": "pound",
    "$": "dollar",
    "dollar": "dollar",
    "usd": "dollar",
    "€": "euro",
    "euro": "euro",
    "eur": "euro",
    "¥": "yen",
    "yen": "yen",
    "crown": "crown",
    "krone": "crown",
    "kroner": "crown",
    "kronor": "crown",
    "kr": "crown",
    "sek": "crown",
    "nok": "crown",
    "dkk": "crown",
    "km": "km",
    "kilometre": "km",
    "kilometer": "km",
    "mile": "mile",
    "mi": "mile",
    "metre": "m",
    "meter": "m",
    "m": "m",
    "cm": "cm",
    "mm": "mm",
    "foot": "ft",
    "feet": "ft",
    "ft": "ft",
    "kg": "kg",
    "kilogram": "kg",
    "kilo": "kg",
    "tonne": "tonne",
    "ton": "tonne",
    "gram": "g",
    "g": "g",
    "litre": "l",
    "liter": "l",
    "mph": "mph",
    "kph": "kph",
    "km/h": "kph",
    "mw": "mw",
    "gw": "gw",
    "kw": "kw",
    "kwh": "kwh",
    "mwh": "mwh",
    "second": "second",
    "sec": "second",
    "minute": "minute",
    "min": "minute",
    "hour": "hour",
    "hr": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "yr": "year",
    "decade": "decade",
    "century": "century",
    "degree": "degree",
    "°c": "degree",
    "°": "degree",
}
# Units that measure something: two different ones here are a real conflict
# (months vs years, km vs miles); any other following noun is just what is counted.
MEASURES = frozenset(_UNITS.values())
_CURRENCIES = frozenset({"pound", "dollar", "euro", "yen", "crown"})

# Measures that convert into each other: (dimension, size in a base unit). Copy rounds
# ("40 kilometres (25 miles)", "a year and a half" for "18 months"), hence a tolerance.
_CONVERSIONS = {
    "second": ("time", 1.0),
    "minute": ("time", 60.0),
    "hour": ("time", 3600.0),
    "day": ("time", 86400.0),
    "week": ("time", 7 * 86400.0),
    "month": ("time", 365.25 / 12 * 86400),
    "year": ("time", 365.25 * 86400),
    "decade": ("time", 3652.5 * 86400),
    "century": ("time", 36525 * 86400),
    "mm": ("length", 0.001),
    "cm": ("length", 0.01),
    "m": ("length", 1.0),
    "km": ("length", 1000.0),
    "ft": ("length", 0.3048),
    "mile": ("length", 1609.344),
    "g": ("mass", 0.001),
    "kg": ("mass", 1.0),
    "tonne": ("mass", 1000.0),
}
_CONVERSION_TOLERANCE = 0.03

# Words before a figure that make it approximate or a bound: "about 4.2m", "more than 20,000".
_HEDGES = {
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "nearly": "about",
    "almost": "about",
    "some": "about",
    "over": "over",
    "above": "over",
    "exceeding": "over",
    "under": "under",
    "below": "under",
}
_HEDGE_PAIRS = {
    ("more", "than"): "over",
    ("at", "least"): "over",
    ("less", "than"): "under",
    ("fewer", "than"): "under",
    ("up", "to"): "under",
    ("close", "to"): "about",
}
_ABOUT = 0.1  # how far "about" may be from the source's figure
_HALF_OF = frozenset({"of", "the", "its", "their", "his", "her", "our", "all"})

# Spoken numbers, plus "dozen", which news copy uses as one.
_SMALL = {**SMALL, **TENS, "dozen": 12}
_SCALES = {
    **{word: float(value) for word, value in SCALES.items()},
    # Abbreviations as they appear in figures: "4.2m", "1bn", "500k".
    "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12,
}  # fmt: skip
_FRACTIONS = {
    "half": 0.5,
    "halves": 0.5,
    "third": 1 / 3,
    "thirds": 1 / 3,
    "quarter": 0.25,
    "quarters": 0.25,
    "fifth": 0.2,
    "fifths": 0.2,
    "tenth": 0.1,
    "tenths": 0.1,
}
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
# Seasons are dates too ("in the spring" is not "in the autumn"); "fall" is too often a verb.
SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "winter": 4}
_BEFORE_SEASON = frozenset(
    {"in", "this", "last", "next", "the", "by", "until", "from", "early", "late", "over", "during"}
)
WEEKDAYS = {
    d: i
    for i, names in enumerate(
        [
            ("monday",),
            ("tuesday",),
            ("wednesday",),
            ("thursday",),
            ("friday",),
            ("saturday",),
            ("sunday",),
        ]
    )
    for d in names
}

_TOKEN = re.compile(
    r"[£$€¥]|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|%|°c|°|km/h|[^\W\d_]+|[-–]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # a MEASURES unit, "month"/"weekday" names, or the counted noun ("" if none)
    text: str  # as written, for reasons
    kind: str = "number"  # "number", "month" (a month name), "weekday", "season"
    bound: str = ""  # "about", "over" or "under" when the text hedges ("more than 20,000")

    @property
    def measured(self) -> bool:
        return self.unit in MEASURES


def _unit(word: str) -> str:
    word = word.lower()
    if word in _UNITS:
        return _UNITS[word]
    if word.endswith("s") and word[:-1] in _UNITS:
        return _UNITS[word[:-1]]
    if word in ("people", "persons"):
        return "person"
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _digits(token: str) -> float | None:
    token = re.sub(r"(st|nd|rd|th)$", "", token.lower())
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", token):
        token = token.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", token):  # "4,2" continental decimal
        token = token.replace(",", ".")
    try:
        return float(token)
    except ValueError:
        return None


# Never the counted noun: function words ("69, from", "six has") and dashes.
_SKIP_AFTER = STOPWORDS | {"-", "–"}


def extract(text: str, *, capitalised_dates: bool = True) -> list[Quantity]:
    """Every quantity in ``text``, in order."""
    found = list(_TOKEN.finditer(text))
    raw = [m.group(0) for m in found]
    toks = [t.lower() for t in raw]
    out: list[Quantity] = []
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        start = i
        currency = ""
        if tok in "£$€¥" and i + 1 < n and _digits(toks[i + 1]) is not None:
            currency = _UNITS[tok]
            i += 1
            tok = toks[i]
        value: float | None = _digits(tok) if tok[:1].isdigit() else None
        fraction = False
        if value is None and tok in SEASONS and i and toks[i - 1] in _BEFORE_SEASON:
            out.append(Quantity(float(SEASONS[tok]), "season", raw[i], kind="season"))
            i += 1
            continue
        if value is None and tok in ("a", "an", "one", "half") and _measure_follows(toks, i):
            if tok == "half":  # "half a year"
                start, i = i, i + 1
                value = 0.5
            elif toks[i + 2 : i + 5] == ["and", "a", "half"]:  # "a year and a half"
                unit = _unit(toks[i + 1])
                span = text[found[i].start() : found[i + 4].end()]
                out.append(Quantity(1.5, unit, span, kind="number"))
                i += 5
                continue
        if (
            value is None
            and tok in _SMALL
            and i + 2 < n
            and toks[i + 1] in ("-", "–")
            and toks[i + 2] in _FRACTIONS
        ):
            value, fraction = _SMALL[tok] * _FRACTIONS[toks[i + 2]], True  # "two-thirds"
            i += 2
        elif (
            value is None
            and tok in _SMALL
            and not (
                tok == "one"
                and _next_scale(toks, i) is None
                and not _measure_follows(toks, i)
                and toks[i + 1 : i + 4] != ["and", "a", "half"]
            )
        ):
            # words: "twenty five", "twenty-five", "three hundred and forty"
            value = float(_SMALL[tok])
            j = i + 1
            while j < n:
                t = toks[j]
                if t in ("-", "–") and j + 1 < n and toks[j + 1] in _SMALL:
                    j += 1
                    continue
                if t in ("-", "–") and j + 1 < n and toks[j + 1] in _FRACTIONS and value < 10:
                    value, fraction = value * _FRACTIONS[toks[j + 1]], True  # "two-thirds"
                    j += 2
                    break
                if (
                    t in _SMALL
                    and value >= 100
                    and value % 100 == 0
                    and toks[j - 1] == "and"
                    or t in _SMALL
                    and _SMALL[t] < 10
                    and value >= 20
                    and value % 10 == 0
                ):
                    value += _SMALL[t]
                elif t == "hundred":
                    value *= 100
                elif t == "and" and j + 1 < n and toks[j + 1] in _SMALL and value >= 100:
                    pass
                else:
                    break
                j += 1
            i = j - 1
        elif value is None and tok in _FRACTIONS:
            prev = toks[i - 1] if i else ""
            if prev in ("a", "one", "an"):
                value, fraction, start = _FRACTIONS[tok], True, i - 1
            elif tok == "half" and i + 1 < n and toks[i + 1] in _HALF_OF:
                value, fraction = 0.5, True  # "half of the budget", "half its staff"
            elif prev in _SMALL and _SMALL[prev] < 10 and tok not in ("half",):
                value, fraction = _SMALL[prev] * _FRACTIONS[tok], True
                start = i - 1
        elif value is None and capitalised_dates and raw[i][:1].isupper():
            if tok in MONTHS and not (tok in ("may", "march", "mar") and _looks_verb(raw, i)):
                out.append(Quantity(float(MONTHS[tok]), "month", raw[i], kind="month"))
            elif tok in WEEKDAYS:
                out.append(Quantity(float(WEEKDAYS[tok]), "weekday", raw[i], kind="weekday"))
            i += 1
            continue
        if value is None:
            i += 1
            continue
        if not fraction and toks[i + 1 : i + 4] == ["and", "a", "half"]:
            value += 0.5  # "two and a half years"
            i += 3
        # scale words: "4.2 million", "£5m", "2bn"
        j = i + 1
        scale = _next_scale(toks, i)
        if scale is not None:
            value *= scale
            j += 1
        unit = currency
        if not unit and j < n:
            nxt = toks[j]
            if nxt in ("per",) and j + 1 < n and toks[j + 1] == "cent":
                unit, j = "%", j + 2
            elif (
                nxt in ("-", "–")
                and j + 1 < n
                and toks[j + 1] not in _SMALL
                and not toks[j + 1][:1].isdigit()
            ):
                unit, j = _unit(toks[j + 1]), j + 2  # "23-year-old", "six-week"
            elif (
                nxt not in _SKIP_AFTER
                and not nxt[:1].isdigit()
                and nxt not in MONTHS
                and not text[found[j - 1].end() : found[j].start()].strip()
            ):
                # the counted noun follows directly: "62 hangers", not "69, from" or "six has"
                unit, j = _unit(nxt), j + 1
        if fraction:
            unit = unit if unit == "%" else "fraction"
        span = text[found[start].start() : found[max(start, j - 1)].end()]
        out.append(Quantity(value, unit, span, kind="number", bound=_bound(toks, start)))
        i = max(j, i + 1)
    return out


def _measure_follows(toks: list[str], i: int) -> bool:
    """ "one year", "one-month": a lone "one" counts only when it measures something.
    ("half a year": the unit comes after the article.)"""
    j = i + 2 if i + 1 < len(toks) and toks[i + 1] in ("-", "–", "a", "an") else i + 1
    return j < len(toks) and _unit(toks[j]) in MEASURES


def _next_scale(toks: list[str], i: int) -> float | None:
    if i + 1 < len(toks) and toks[i + 1] in _SCALES:
        word = toks[i + 1]
        # a bare "m" / "b" after a number is a scale only when glued to money ("£4.2m",
        # "4.2m crowns") or followed by nothing; "400m race" is metres
        if word in ("m", "b") and (i + 2 < len(toks) and toks[i + 2] not in ("-", "–")):
            money = i > 0 and toks[i - 1] in "£$€" or _unit(toks[i + 2]) in _CURRENCIES
            return _SCALES[word] if word == "m" and money else None
        return _SCALES[word]
    return None


def _bound(toks: list[str], start: int) -> str:
    before = toks[max(0, start - 2) : start]
    if len(before) == 2 and tuple(before) in _HEDGE_PAIRS:
        return _HEDGE_PAIRS[before[0], before[1]]
    return _HEDGES.get(before[-1], "") if before else ""


def _looks_verb(raw: list[str], i: int) -> bool:
    # "May" and "March" are also words; treat them as months only next to a number.
    near = raw[max(0, i - 1) : i + 2]
    return not any(t[:1].isdigit() for t in near)


def same_value(a: Quantity, b: Quantity) -> bool:
    """Equal values, also across fraction/percent forms ("a third" = 33%)."""
    if a.kind != b.kind:
        return False
    va, vb = a.value, b.value
    if a.unit == "fraction" and b.unit == "%":
        va *= 100
    elif b.unit == "fraction" and a.unit == "%":
        vb *= 100
    if a.unit == "fraction" or b.unit == "fraction":
        return abs(va - vb) <= max(
            0.02 * max(abs(va), abs(vb)), 0.5 if "%" in (a.unit, b.unit) else 0.01
        )
    return abs(va - vb) <= 1e-9 * max(1.0, abs(va), abs(vb))


def compatible_units(a: Quantity, b: Quantity) -> bool:
    """Different measured units conflict (months vs years); anything else is compatible."""
    if a.unit == b.unit or not a.unit or not b.unit:
        return True
    frac = {"fraction", "%"}
    if a.unit in frac and b.unit in frac:
        return True
    return not (a.measured and b.measured)


def dimension(q: Quantity) -> str | None:
    """ "time", "length" or "mass" for a measure that converts; else None."""
    found = _CONVERSIONS.get(q.unit) if q.kind == "number" else None
    return found[0] if found else None


def converted(a: Quantity, b: Quantity) -> bool:
    """The same amount in two units that convert ("18 months" and "1.5 years")."""
    if a.unit == b.unit or dimension(a) is None or dimension(a) != dimension(b):
        return False
    ca, cb = _CONVERSIONS[a.unit], _CONVERSIONS[b.unit]
    va, vb = a.value * ca[1], b.value * cb[1]
    return abs(va - vb) <= _CONVERSION_TOLERANCE * max(abs(va), abs(vb))


def within_bound(claim: Quantity, source: Quantity) -> bool:
    """A hedged claim the source's figure satisfies: "more than 20,000" for 22,000, "about
    4m" for 4.2m. Units must agree, and the claim's figure must be rounder than the
    source's: a hedge licenses rounding an exact figure, not a new one ("fewer than 6%" for
    "fewer than 4%", "about 40 million" for "about 38 million")."""
    if claim.kind != "number" or source.kind != "number" or not claim.bound:
        return False
    if not (claim.unit == source.unit or {claim.unit, source.unit} <= {"fraction", "%"}):
        return False
    c, s = claim.value, source.value
    if {claim.unit, source.unit} == {"fraction", "%"}:
        c, s = (c * 100, s) if claim.unit == "fraction" else (c, s * 100)
    step = _step(c)  # the claim is the source's figure rounded to this
    if source.bound or step <= _step(s):
        return False  # an approximate source figure is not rounded again
    if claim.bound == "over":
        return c <= s < c + step
    if claim.bound == "under":
        return c - step < s <= c
    return abs(s - c) <= _ABOUT * max(abs(s), abs(c))


def _step(value: float) -> float:
    """The largest power of ten ``value`` is a whole multiple of: 20,000 -> 10,000,
    22,000 -> 1,000, 4.2 -> 0.1."""
    if value == 0:
        return float("inf")
    step = 10.0 ** (len(str(int(abs(value)))) - 1) if abs(value) >= 1 else 1.0
    while step > 1e-6:
        ratio = value / step
        if abs(ratio - round(ratio)) < 1e-6 * max(1.0, abs(ratio)):
            return step
        step /= 10
    return step


def matches(claim: Quantity, source: Quantity) -> bool:
    """Does the source's figure back the claim's? (Not symmetric: only the claim's hedge
    counts, "more than 20,000" is backed by 22,000 but not the other way round.)"""
    return (
        same_value(claim, source)
        and compatible_units(claim, source)
        or converted(claim, source)
        or within_bound(claim, source)
    )


def describe(q: Quantity) -> str:
    return q.text
