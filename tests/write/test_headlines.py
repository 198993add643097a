"""Headline cleaning: site names, clickbait, safe shortening and the source's casing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retold.write.headlines import (
    HARD_MAX_HEADLINE,
    TARGET_HEADLINE,
    clean_headline,
    ends_hanging,
    headline_from_lede,
    headline_problems,
    is_site_name,
    shorten,
)
from retold.write.teasers import make_teaser, teaser_problems


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Old Harbour Bridge to close | The Harbour Gazette", "", "Old Harbour Bridge to close"),
        ("Gazette: Council approves budget", "The Harbour Gazette", "Council approves budget"),
        ("Storm warning issued for valley - Metro Wire", "", "Storm warning issued for valley"),
        ("BREAKING: Bridge closes for repairs!!!", "", "Bridge closes for repairs"),
        ("Bridge shuts for six weeks. Here's why", "", "Bridge shuts for six weeks"),
        ("Old Harbour Bridge closure: what we know so far", "", "Old Harbour Bridge closure"),
        (
            "Mayor SLAMS council over HUGE budget gap!",
            "",
            "Mayor slams council over huge budget gap",
        ),
        ("COUNCIL APPROVES NHS FUNDING BOOST", "", "Council approves NHS funding boost"),
        ("Is the bridge safe?!", "", "Is the bridge safe?"),
        ("You won't believe what the council did", "", ""),
        ("Here's how to cut your energy bill", "", "How to cut your energy bill"),
        ("Top 10 appliance makers in the U.S.", "", "Top 10 appliance makers in the U.S."),
    ],
)
def test_clean_headline(title: str, site: str, expected: str) -> None:
    assert clean_headline(title, site) == expected


def test_long_headline_drops_only_a_trailing_clause() -> None:
    title = (
        "Northfield commuters face six weeks without the Old Harbour Bridge while engineers "
        "replace the corroded hangers"
    )
    assert clean_headline(title) == (
        "Northfield commuters face six weeks without the Old Harbour Bridge"
    )


def test_long_headline_without_a_safe_cut_is_kept_whole() -> None:
    # Cutting this at 80 characters would drop "illegal" and reverse the statement.
    title = (
        "Washington says it is no longer considering Israeli settlements in the occupied "
        "territories illegal"
    )
    assert len(title) > TARGET_HEADLINE
    assert clean_headline(title) == title


def test_over_the_hard_maximum_the_first_clause_is_used() -> None:
    title = (
        "Regional water board approves a record drought budget for the coming decade of dry "
        "summers, warning that household bills will rise sharply from next spring"
    )
    out = clean_headline(title)
    assert out == (
        "Regional water board approves a record drought budget for the coming decade of dry summers"
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Patients waited up to 19 hours in St Brennan's emergency department, report finds",
            "Patients waited up to 19 hours in St Brennan's emergency department",
        ),
        (
            "I tried the new rowing machine — and it may replace my gym membership entirely now",
            "I tried the new rowing machine",
        ),
        (
            "Ten habits of calm commuters (and the one that surprised our panel of experts most)",
            "Ten habits of calm commuters",
        ),
        (
            "Tutoring was meant to rescue pupils after the pandemic. The results? 'Sobering' "
            "at best",
            "Tutoring was meant to rescue pupils after the pandemic",
        ),
    ],
)
def test_safe_cuts(title: str, expected: str) -> None:
    assert clean_headline(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "9to5Mac: Apple readies iPhone 17 launch event",
        "eBay sellers face new fee rules from January",
        "Classificação NASCAR 2025: veja a tabela completa",
        "McDonald's adds McCrispy to its UK menu",
        "iPhone sales rebound in China",
        "NVIDIA and AMD shares slide after export curbs",
    ],
)
def test_casing_of_names_is_kept(title: str) -> None:
    out = clean_headline(title)
    assert out == title
    assert headline_problems(title, out) == []


@pytest.mark.parametrize(
    ("title", "site", "url"),
    [
        ("조선일보", "조선일보", "https://www.chosun.com/economy/2025/1/"),
        ("The Verge", "The Verge", "https://www.theverge.com/a/b"),
        ("theverge.com", "", "https://www.theverge.com/a/b"),
        ("Home | Harbour Gazette", "Harbour Gazette", ""),
    ],
)
def test_a_title_that_is_the_site_name_is_no_headline(title: str, site: str, url: str) -> None:
    assert is_site_name(title, site, url)
    assert clean_headline(title, site, url=url) == ""


def test_headline_metadata_and_lede_replace_a_site_name_title() -> None:
    alt = "삼성전자, 새 스마트폰 공개"
    assert clean_headline("조선일보", "조선일보", alternatives=[alt]) == alt
    lede = "Samsung unveiled a new phone on Tuesday, its first in a year. It costs more."
    assert clean_headline("조선일보", "조선일보", lede=lede) == (
        "Samsung unveiled a new phone on Tuesday, its first in a year"
    )
    assert headline_from_lede("") == ""


def test_korean_title_keeps_its_words_and_loses_the_site() -> None:
    assert (
        clean_headline("삼성전자 새 스마트폰 공개 - 조선일보", "조선일보")
        == "삼성전자 새 스마트폰 공개"
    )
    assert (
        clean_headline("조선일보 | 삼성전자 새 스마트폰 공개", "조선일보")
        == "삼성전자 새 스마트폰 공개"
    )


def test_site_suffix_section_and_tagline_go() -> None:
    assert (
        clean_headline(
            "Moving company under federal investigation | 7 On Your Side - ABC7 New York",
            "ABC7 New York",
        )
        == "Moving company under federal investigation"
    )
    assert (
        clean_headline(
            "Ten tips for online courses - Journey To College - Realize your potential",
            "Journey To College",
        )
        == "Ten tips for online courses"
    )
    # A headline that merely contains the brand is not the site's name.
    assert clean_headline("Pricing changes for GitHub Actions - GitHub Resources", "GitHub") == (
        "Pricing changes for GitHub Actions"
    )


_WORDS = (
    "the council to after of and bridge closes Monday engineers replace hangers while in "
    "a new plan is was Harrowmere, budget: — report says"
)
words = st.sampled_from(_WORDS.split(" "))


@given(st.lists(words, min_size=1, max_size=40), st.integers(min_value=20, max_value=120))
def test_shorten_fits_and_never_hangs(parts: list[str], limit: int) -> None:
    text = " ".join(parts)
    out = shorten(text, limit)
    assert len(out) <= limit
    if len(text) > limit and len(out.split()) > 1:
        assert not ends_hanging(out), out


# Real-style headlines written for this test (not copied from any data set): long ones,
# colons, site suffixes, other languages, acronyms, brands. (title, site name, url)
REAL_STYLE: list[tuple[str, str, str]] = [
    (
        "Fed holds rates steady, signals two cuts before the end of the year",
        "Reuters",
        "https://www.reuters.com/markets/us/fed-holds",
    ),
    (
        "Apple unveils iPhone 17 Air with thinner design and new A19 chip | 9to5Mac",
        "9to5Mac",
        "https://9to5mac.com/2025/09/09/iphone-17-air/",
    ),
    ("eBay to cut 1,000 jobs as online marketplace slows", "CNBC", "https://www.cnbc.com/x"),
    (
        "NASCAR Cup Series: Larson wins at Bristol after late caution",
        "NBC Sports",
        "https://www.nbcsports.com/nascar/news/larson",
    ),
    (
        "McDonald's brings back the Snack Wrap nationwide - The Verge",
        "The Verge",
        "https://www.theverge.com/news/mcdonalds",
    ),
    (
        "Classificação NASCAR: Larson lidera após vitória em Bristol",
        "Grande Prêmio",
        "https://www.grandepremio.com.br/nascar/",
    ),
    ("삼성전자, 3분기 영업이익 10조 돌파", "조선일보", "https://www.chosun.com/economy/"),
    ("조선일보", "조선일보", "https://www.chosun.com/national/"),
    ("東京で記録的な猛暑、観測史上最高の40度", "日本経済新聞", "https://www.nikkei.com/article/"),
    (
        "Bundesregierung beschließt neues Heizungsgesetz",
        "tagesschau.de",
        "https://www.tagesschau.de/inland/",
    ),
    (
        "La France adopte une loi sur l'intelligence artificielle",
        "Le Monde",
        "https://www.lemonde.fr/pixels/",
    ),
    (
        "El Banco Central Europeo baja los tipos de interés",
        "El País",
        "https://elpais.com/economia/",
    ),
    ("UK Tories fire party chair over donations row", "Hosted", "https://news.example.co.uk/a"),
    (
        "Trump administration says Israeli settlements in the West Bank are no longer illegal",
        "AP News",
        "https://apnews.com/article/x",
    ),
    (
        "Microsoft to acquire gaming studio for $2 billion, sources say",
        "Bloomberg",
        "https://www.bloomberg.com/news/x",
    ),
    ("WHO DECLARES END TO MPOX GLOBAL HEALTH EMERGENCY", "", "https://example.org/who"),
    (
        "NASA's Artemis II crew begins final training ahead of lunar flyby",
        "NASA",
        "https://www.nasa.gov/news",
    ),
    (
        "How Machine Learning Is Shaping eCommerce: 10 Benefits, Use Cases and Best Practices",
        "Appinventiv",
        "https://appinventiv.com/blog/ml",
    ),
    (
        "Best Live TV Streaming Services 2026: YouTube TV, Sling, Hulu, and More | PCWorld",
        "PCWorld",
        "https://www.pcworld.com/article/x",
    ),
    (
        "What Is Cloud Computing? | Google Cloud",
        "Google Cloud",
        "https://cloud.google.com/learn/what-is-cloud-computing",
    ),
    ("Why I Teach Philosophy to Plumbers", "The Atlantic", "https://www.theatlantic.com/x"),
    ("Do I Need Travel Insurance?", "Rick Steves", "https://www.ricksteves.com/travel-tips"),
    (
        "The 10 Best Home Improvement Projects of 2025 (According to Experts) | RenoFi | RenoFi",
        "RenoFi",
        "https://www.renofi.com/blog",
    ),
    ("OpenAI launches GPT-5 for ChatGPT users", "TechCrunch", "https://techcrunch.com/x"),
    (
        "SpaceX Starship explodes minutes after launch from Texas",
        "BBC News",
        "https://www.bbc.co.uk/news/x",
    ),
    (
        "Storm Hedda leaves thousands without power and brings down trees across Harrowmere",
        "Metro Wire",
        "https://metrowire.example/storm",
    ),
    (
        "Patients waited up to 19 hours in St Brennan's emergency department, report finds",
        "The Harbour Gazette",
        "https://gazette.example/a",
    ),
    (
        "Exclusive: Amazon in talks to buy stake in India's Reliance Retail",
        "Reuters",
        "https://www.reuters.com/x",
    ),
    (
        "WATCH: Firefighters rescue kitten from storm drain",
        "KTLA",
        "https://ktla.com/news/local-news/x",
    ),
    (
        "Coffee lovers rejoice: Nutritionists reveal 4 surprising health benefits of your "
        "daily cup",
        "Fox News",
        "https://www.foxnews.com/health/x",
    ),
    (
        "Tutoring was supposed to save American kids after the pandemic. The results? 'Sobering'",
        "NPR",
        "https://www.npr.org/2025/x",
    ),
    (
        "I Tried Amp, the AI Strength Training System — and It May Replace My Gym Membership",
        "Popsugar",
        "https://www.popsugar.com/fitness/x",
    ),
    (
        "Corti introduces GIM: Benchmark-leading method for understanding AI model behavior",
        "Corti",
        "https://www.corti.ai/stories/gim",
    ),
    (
        "US inflation rises to 3.1% in January, above forecasts",
        "Financial Times",
        "https://www.ft.com/content/x",
    ),
    (
        "S&P 500 hits record as Nvidia rallies on AI demand",
        "MarketWatch",
        "https://www.marketwatch.com/story/x",
    ),
    (
        "Wi-Fi 7 routers: are they worth it yet?",
        "Wirecutter",
        "https://www.nytimes.com/wirecutter/x",
    ),
    (
        "USB-C becomes mandatory for phones sold in the EU",
        "The Times",
        "https://www.thetimes.co.uk/article/x",
    ),
    (
        "Man charged after 'deliberate' fire at Leeds warehouse",
        "BBC News",
        "https://www.bbc.co.uk/news/uk-england-leeds-x",
    ),
    (
        "Council votes to close Market Street to cars by next summer",
        "Harrowmere Herald",
        "https://herald.example/x",
    ),
    (
        "'We are exhausted': nurses strike for the third time this year",
        "The Guardian",
        "https://www.theguardian.com/society/x",
    ),
    (
        "Review: The Pixel 10 Pro is the best Android phone you can buy",
        "Engadget",
        "https://www.engadget.com/x",
    ),
    (
        "Opinion | The case for a four-day school week",
        "The New York Times",
        "https://www.nytimes.com/2025/x",
    ),
    (
        "Harrowmere Athletic sack manager Dario Mendel after seventh straight defeat",
        "Metro Wire",
        "https://metrowire.example/sport",
    ),
    (
        "Old Harbour Bridge closure to last six weeks",
        "Northfield Courier",
        "https://courier.example/bridge",
    ),
    (
        "Supreme Court agrees to hear challenge to Texas abortion pill law",
        "Politico",
        "https://www.politico.com/news/x",
    ),
    (
        "Pope Leo XIV names new archbishop of Chicago",
        "Vatican News",
        "https://www.vaticannews.va/en/x",
    ),
    (
        "Hyper-Local Regolith Binding Agent Optimization via Multi-Modal Data Fusion and Bayesian "
        "Reinforcement Learning for Martian Concrete Construction (RBC-MRCC)",
        "freederia.com",
        "https://freederia.com/x",
    ),
    (
        "Top 10 Shoe Companies in the World You Should Know About - Fastarz",
        "Fastarz",
        "https://fastarz.com/x",
    ),
    (
        "How Many Watts Does a Refrigerator Use? | EcoFlow US Blog",
        "EcoFlow US",
        "https://us.ecoflow.com/blogs/x",
    ),
    (
        "Online Class: Definition, Best Online Learning Platforms in 2025, and More! | Shorelight",
        "",
        "https://shorelight.com/x",
    ),
    (
        "Employers drop coverage for weight loss drugs as pharma's direct-to-consumer "
        "programs grow",
        "CNBC",
        "https://www.cnbc.com/x",
    ),
    (
        "New York Fed survey shows inflation expectations falling",
        "Reuters",
        "https://www.reuters.com/x",
    ),
    ("AI won't steal your job—but it may change it", "BD+C", "https://www.bdcnetwork.com/x"),
    ("Mission accomplished", "Digital Preservation", "https://digitalpreservation.no/x"),
    (
        "Windows LDAP DoS: The Integer Overflow Crashing Domain Controllers 💥",
        "",
        "https://example.com/ldap",
    ),
    ("Full Unicode Search at 50× ICU Speed with AVX‑512", "", "https://example.dev/x"),
    (
        "Texas floods: death toll rises to 120 as search continues",
        "CNN",
        "https://edition.cnn.com/x",
    ),
    (
        "Pricing changes for GitHub Actions - GitHub Resources",
        "GitHub",
        "https://resources.github.com/x",
    ),
    ("Japan's Nikkei tops 45,000 for first time", "Nikkei Asia", "https://asia.nikkei.com/x"),
    (
        "10 Tips: How to Choose the Best Home Cleaning Service for You",
        "CottageCare",
        "https://www.cottagecare.com/x",
    ),
]


@pytest.mark.parametrize(("title", "site", "url"), REAL_STYLE)
def test_real_style_headlines_and_teasers_read_right(title: str, site: str, url: str) -> None:
    headline = clean_headline(title, site, url=url)
    if is_site_name(title, site, url):
        assert headline == ""
        return
    assert headline, title
    assert headline_problems(title, headline, site, url) == []
    assert len(headline) <= HARD_MAX_HEADLINE
    teaser = make_teaser(headline, "", [site], url=url)
    assert teaser_problems(teaser) == [], teaser
    assert len(teaser) <= 110


def test_a_spaced_full_stop_goes_and_the_check_agrees() -> None:
    title = "Make the most of your stay with these 10 travel hacks ."
    headline = clean_headline(title, "Ovolo Hotels")
    assert headline == "Make the most of your stay with these 10 travel hacks"
    assert headline_problems(title, headline, "Ovolo Hotels") == []


def test_a_description_used_as_title_gives_its_statement_not_a_cut_phrase() -> None:
    # A teaser question (closing on a bracket) and the statement it leads into: over the
    # hard maximum, the statement is the headline; never "… on how to understand".
    title = (
        "Learn which home renovations have the best ROI (return on investment)? Get expert "
        "tips on how to understand and calculate home improvement ROI. We'll help you learn "
        "everything you need to know about the potential value of your renovation project."
    )
    headline = clean_headline(title, "RenoFi")
    assert headline == "Get expert tips on how to understand and calculate home improvement ROI"
    assert headline_problems(title, headline, "RenoFi") == []
