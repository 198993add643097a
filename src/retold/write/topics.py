"""Pick 1–3 topics for a story from its words (or its feed's category)."""

from __future__ import annotations

from collections import Counter

from retold.text.words import latin_words

TOPICS: dict[str, tuple[str, ...]] = {
    "transport": (
        "bridge",
        "road",
        "traffic",
        "rail",
        "train",
        "bus",
        "buses",
        "ferry",
        "airport",
        "flight",
        "commuter",
        "commuters",
        "motorway",
        "tram",
        "cycling",
        "cyclists",
        "transport",
        "port",
        "shipping",
        "parking",
        "detour",
        "vehicles",
        "timetable",
    ),
    "politics": (
        "council",
        "councillor",
        "mayor",
        "minister",
        "government",
        "parliament",
        "election",
        "vote",
        "voters",
        "party",
        "policy",
        "budget",
        "levy",
        "tax",
        "opposition",
        "cabinet",
        "referendum",
        "politics",
        "political",
        "senate",
        "coalition",
    ),
    "health": (
        "hospital",
        "patients",
        "patient",
        "doctor",
        "doctors",
        "nurses",
        "nurse",
        "health",
        "cardiac",
        "disease",
        "vaccine",
        "clinic",
        "medical",
        "surgery",
        "nhs",
        "illness",
        "ambulance",
        "mental",
        "cancer",
    ),
    "science": (
        "study",
        "researchers",
        "research",
        "scientists",
        "scientist",
        "university",
        "experiment",
        "species",
        "journal",
        "laboratory",
        "data",
        "physics",
        "biology",
        "carbon",
        "seagrass",
        "survey",
        "findings",
    ),
    "technology": (
        "technology",
        "software",
        "data centre",
        "data center",
        "internet",
        "digital",
        "ai",
        "computer",
        "app",
        "broadband",
        "cyber",
        "robot",
        "chip",
        "servers",
        "online",
        "tech",
    ),
    "business": (
        "company",
        "firm",
        "jobs",
        "market",
        "prices",
        "price",
        "investment",
        "profit",
        "sales",
        "economy",
        "economist",
        "bank",
        "shares",
        "revenue",
        "cooperative",
        "tender",
        "contract",
        "customers",
        "retail",
        "trade",
        "container",
        "business",
        "crowns",
        "industry",
    ),
    "environment": (
        "climate",
        "environment",
        "environmental",
        "wildlife",
        "river",
        "pollution",
        "emissions",
        "wind",
        "renewable",
        "otters",
        "otter",
        "conservation",
        "habitat",
        "biodiversity",
        "forest",
        "recycling",
        "nature",
        "seagrass",
        "flooding",
    ),
    "sport": (
        "match",
        "goal",
        "league",
        "cup",
        "final",
        "semi-final",
        "team",
        "coach",
        "manager",
        "player",
        "players",
        "season",
        "striker",
        "championship",
        "tournament",
        "stadium",
        "referee",
        "penalty",
        "olympic",
        "rovers",
        "fc",
    ),
    "culture": (
        "theatre",
        "theater",
        "music",
        "festival",
        "film",
        "museum",
        "art",
        "artist",
        "concert",
        "book",
        "novel",
        "gallery",
        "exhibition",
        "opera",
        "dance",
        "culture",
        "cinema",
        "play",
    ),
    "education": (
        "school",
        "schools",
        "pupils",
        "students",
        "teachers",
        "teacher",
        "education",
        "university",
        "college",
        "classroom",
        "exam",
        "exams",
        "headteacher",
        "curriculum",
    ),
    "courts": (
        "court",
        "trial",
        "judge",
        "jury",
        "prosecutor",
        "prosecutors",
        "defendant",
        "charged",
        "guilty",
        "sentenced",
        "fraud",
        "police",
        "arrested",
        "arrests",
        "theft",
        "thefts",
        "crime",
        "lawyer",
        "verdict",
        "convicted",
    ),
    "weather": (
        "storm",
        "weather",
        "rain",
        "rainfall",
        "wind",
        "winds",
        "snow",
        "flood",
        "floods",
        "forecast",
        "forecasters",
        "temperatures",
        "gusts",
        "heatwave",
        "frost",
        "met office",
    ),
}

# Feed categories that name a topic in other words.
_ALIASES = {
    "crime": "courts",
    "law": "courts",
    "justice": "courts",
    "economy": "business",
    "finance": "business",
    "money": "business",
    "tech": "technology",
    "sports": "sport",
    "football": "sport",
    "arts": "culture",
    "entertainment": "culture",
    "climate": "environment",
    "local politics": "politics",
    "government": "politics",
    "traffic": "transport",
    "travel": "transport",
    "schools": "education",
    "medicine": "health",
}


def _words(text: str) -> list[str]:
    """Lower-case Latin words, hyphens kept ("semi-final" is a keyword) and apostrophes
    splitting ("students'" counts as "students")."""
    return [part for word in latin_words(text) for part in word.split("'") if part]


def category_topic(category: str) -> str:
    """The topic a feed category names, or "" when it names none we know."""
    c = category.strip().lower()
    if c in TOPICS:
        return c
    if c in _ALIASES:
        return _ALIASES[c]
    for word in _words(c):
        if word in TOPICS:
            return word
        if word in _ALIASES:
            return _ALIASES[word]
    return ""


def pick_topics(title: str, text: str, category: str = "", limit: int = 3) -> list[str]:
    """1–3 topics, strongest first; the feed's category leads when it maps to one."""
    title_l, text_l = title.lower(), text.lower()
    title_words = Counter(_words(title_l))
    text_words = Counter(_words(text_l))
    total = max(1, sum(text_words.values()))
    scores: dict[str, float] = {}
    for topic, keywords in TOPICS.items():
        score = 0.0
        for kw in keywords:
            if " " in kw:
                score += 3 * title_l.count(kw) + text_l.count(kw)
            else:
                score += 3 * title_words[kw] + text_words[kw]
        scores[topic] = score / (total**0.5)  # long stories are not "more" of a topic
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[str] = []
    lead = category_topic(category)
    if lead:
        out.append(lead)
    best = ranked[0][1] if ranked else 0.0
    for topic, score in ranked:
        if len(out) >= limit or score <= 0 or score < 0.45 * best:
            break
        if topic not in out:
            out.append(topic)
    return out[:limit]
