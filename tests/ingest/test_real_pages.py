"""Boilerplate that real pages glue into their article bodies never reaches the text.

Each fixture under fixtures/ is a small page written for these tests, structured the way
real article pages are (site chrome, an article container, the furniture inside it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.fiction import POOL_STORY

from retold.ingest.clean import (
    is_boilerplate_line,
    is_call_to_action,
    related_section_start,
    repeated_runs,
    templated_runs,
    without_closing_invitation,
)
from retold.ingest.extract import extract
from retold.ingest.metadata import choose_title, parse_date, strip_site_name
from retold.ingest.walls import ends_properly
from retold.records import Extracted

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def extract_fixture(name: str) -> Extracted:
    html = (FIXTURES / name).read_text(encoding="utf-8")
    return extract(html, f"https://example.org/2025/{name.removesuffix('.html')}")


# (fixture, text that must not be extracted, text that must stay)
CASES = [
    ("share_prompt.html", "Share it with a friend", "the first month of Sunday opening"),
    ("share_prompt.html", "Forward it to them", "whether Sunday opening becomes permanent"),
    ("social_handle.html", "Follow her on Twitter", "has no plans to grow"),
    ("social_handle.html", "@weekendtable", "pulls exactly forty sourdough loaves"),
    ("subscription_offer.html", "unlimited access", "three return sailings a day"),
    ("subscription_offer.html", "free weekly newsletter", "charter a relief boat"),
    ("subscription_offer.html", "Start your free trial", "refund season tickets"),
    ("press_release.html", "leading provider of autonomous", "employ 180 people"),
    ("press_release.html", "About Northwind Robotics", "due to ship in October"),
    ("press_release.html", "Media contact", "outgrown our first factory"),
    ("press_release.html", "###", "technical college nearby"),
    ("glued_byline.html", "By Dana Whitlock", "Savers who want a steady income"),
    ("glued_byline.html", "July 21, 2025", "instead of a single long-dated bond"),
    ("glued_byline.html", "defined by our editors", "buying a bond ladder instead"),
    ("promo_banner.html", "Fill every slot in your diary", "halved no-shows"),
    ("promo_banner.html", "Book a demo", "you can contact us for the checklist we used"),
    ("small_print.html", "advertising partners", "Only a handful of easy-access"),
    ("small_print.html", "Privacy Policy", "covered by the deposit guarantee"),
    ("small_print.html", "RSS feed", "cap monthly deposits"),
    # The article printed after a stray </body></html>: browsers show it, so must we.
    ("early_end_tags.html", "Guides", "split full-size allotment plots in half"),
    ("early_end_tags.html", "Guides", "before the weeds set seed"),
    # A list inside a rich-text widget that trafilatura's default balance leaves out.
    ("list_in_rich_text.html", "Payroll", "Keep methods steady"),
    ("list_in_rich_text.html", "Quay Street", "whoever keeps the books"),
    # Teaser cards for other stories under their own heading after the article.
    ("read_next.html", "Harbour wall repairs", "shift workers would have to leave"),
    ("read_next.html", "Read this next", "first ferry leaves the island"),
    ("read_next.html", "Skip to main content", "second crew could be trained"),
    ("read_next.html", "min. read", "pupils who stay for sport"),
    # A directory of links built from one template under the article.
    ("cost_directory.html", "window cleaning prices in Bristol", "pure water their poles"),
]


@pytest.mark.parametrize(("fixture", "absent", "present"), CASES)
def test_boilerplate_stays_out_of_the_body(fixture: str, absent: str, present: str) -> None:
    ex = extract_fixture(fixture)
    assert absent not in ex.text, ex.text
    assert present in ex.text, ex.text
    assert not ex.excerpt_only, ex.excerpt_reason


def test_glued_byline_leaves_a_clean_first_sentence() -> None:
    first = extract_fixture("glued_byline.html").text.split("\n\n")[0]
    assert first.startswith("Savers who want a steady income are buying a bond ladder instead")


def test_fixture_metadata() -> None:
    ex = extract_fixture("share_prompt.html")
    assert ex.title == "Why our town library opened on Sundays"
    assert ex.author == "Tess Orrin"
    assert ex.date == datetime(2025, 10, 14, 8, 30, tzinfo=UTC)
    assert extract_fixture("social_handle.html").author == "Lena Varga"


# --- titles ---------------------------------------------------------------------------


def test_title_prefers_the_visible_headline_over_the_site_name() -> None:
    url = "https://www.harbourtimes.example/news/1"
    # A <title> that is only the site's name, and an h1 with the headline.
    assert choose_title(["Bridge reopens after repairs"], "", "Harbour Times", "", url) == (
        "Bridge reopens after repairs"
    )
    # A logo h1 (the site's name) does not count; the declared headline loses its suffix.
    assert (
        choose_title(["Harbour Times"], "Bridge reopens after repairs | Harbour Times", "", "", url)
        == "Bridge reopens after repairs"
    )


def test_an_h1_that_disagrees_with_the_declared_title_is_not_the_headline() -> None:
    url = "https://ferrynotes.example/2025/timetable"
    declared = "Winter ferry timetable cuts two sailings | Ferry Notes"
    # The blog's name, a section or a menu set as <h1>: the declared title wins.
    for h1 in ("Our Blog", "Open Menu Close Menu", "Day 7", "Island Transport Updates"):
        assert choose_title([h1], declared, "", "Ferry Notes", url) == (
            "Winter ferry timetable cuts two sailings"
        )
    # Of several <h1>s, the one that agrees with the declared title.
    assert choose_title(
        ["Latest posts", "Winter ferry timetable cuts two sailings"], declared, "", "", url
    ) == ("Winter ferry timetable cuts two sailings")
    # A long <h1> reworded from the declared (search-engine) title is still the headline.
    h1 = "Islanders lose the early boat as the operator trims its winter service"
    assert choose_title([h1], declared, "", "Ferry Notes", url) == h1


def test_title_keeps_the_source_casing_and_whole_words() -> None:
    title = "9to5Mac: iPhone sales rise in Korea"
    assert choose_title([], title, "", "", "https://example.org/a") == title
    assert strip_site_name("Classificação NASCAR - Globo Esporte", "Globo Esporte", "") == (
        "Classificação NASCAR"
    )
    # A separator inside the headline itself is not a site name.
    assert strip_site_name("Jobs report - what it means", "", "https://news.example/") == (
        "Jobs report - what it means"
    )


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0001-01-01", "0001-01-01T00:00:00Z", "1970-01-01", "1989-12-31"])
def test_impossible_dates_are_no_date(raw: str) -> None:
    assert parse_date(raw) is None


def test_future_dates_are_no_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_date("2026-01-01T20:00:00Z", now) is not None  # time zones, late clocks
    assert parse_date("2026-01-03", now) is None
    assert parse_date("2025-06-30", now) == datetime(2025, 6, 30, tzinfo=UTC)


def test_placeholder_date_on_a_page_falls_back() -> None:
    html = (
        (FIXTURES / "share_prompt.html")
        .read_text(encoding="utf-8")
        .replace("2025-10-14T08:30:00+00:00", "0001-01-01T00:00:00+00:00")
    )
    ex = extract(html, "https://example.org/a")
    # The visible <time> element is the next declaration; never year 1.
    assert ex.date is None or ex.date.year >= 1990


# --- complete short pieces ------------------------------------------------------------


def test_complete_short_article_is_not_an_excerpt() -> None:
    short = (
        "The harbour bridge will close for resurfacing from Monday 3 March for six weeks. "
        "Buses will divert over the old quay road, and the ferry will add two sailings on "
        "weekday mornings while the works last."
    )
    html = (
        "<html lang='en'><head><title>Bridge to close</title></head><body><article>"
        f"<h1>Bridge to close for six weeks</h1><p>{short}</p></article>"
        "<div class='cookie-banner'>We use cookies to improve your experience. "
        "Accept all cookies</div></body></html>"
    )
    ex = extract(html, "https://example.org/a")
    assert not ex.excerpt_only, ex.excerpt_reason
    cut = html.replace("while the works last.", "while the works")
    assert extract(cut, "https://example.org/a").excerpt_only


def test_ends_properly() -> None:
    assert ends_properly("It rained.")
    assert ends_properly('"We will be back," she said.”')
    assert ends_properly("雨が降った。")
    assert not ends_properly("The council said the")
    assert not ends_properly("The council said the...")
    assert not ends_properly("The council said the…")


def test_newsletter_box_in_the_footer_is_not_a_paywall() -> None:
    # A blog's subscription box ("Subscribe now to keep reading…") far below a finished
    # short article says nothing about this article being cut.
    html = (FIXTURES / "share_prompt.html").read_text(encoding="utf-8")
    hours = "".join(f"<li>Day {i}: 9:00 to 17:00, closed for lunch</li>" for i in range(60))
    box = (
        f"<aside class='hours'><ul>{hours}</ul></aside><div class='jp-box'><p>Discover more "
        "from Brookvale Notes</p><p>Subscribe now to keep reading and get access to the full "
        "archive.</p></div>"
    )
    ex = extract(html.replace("</footer>", box + "</footer>"), "https://example.org/a")
    assert not ex.excerpt_only, ex.excerpt_reason


def test_wall_right_after_a_short_preview_is_a_paywall() -> None:
    paras = "".join(
        f"<p>The ferry operator said on Monday that sailing number {i} would be cancelled "
        "for the winter.</p>"
        for i in range(4)
    )
    html = (
        "<html lang='en'><head><title>Ferry cuts</title></head><body><article>"
        f"<h1>Ferry cuts announced</h1>{paras}<div class='wall'><p>Subscribe to continue "
        "reading this article.</p></div></article></body></html>"
    )
    ex = extract(html, "https://example.org/a")
    assert ex.excerpt_only and ex.excerpt_reason == "paywall"


@pytest.mark.parametrize(
    "line",
    [
        "Get started today",
        "Book a demo",
        "Request a Quote",
        "11 min read",
        "Back to blog",
        "Privacy Policy",
        "Join our mailing list",
        "Test winner ➔",
        "Newsletters",
    ],
)
def test_button_and_menu_lines_are_furniture(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "July 29, 2025",
        "Friday, November 14, 2025",
        "- Sep 26, 2022",
        "19/12/2025",
        "Updated: 3 March 2025",
        "2 days ago",
        "In this article",
        "On this page",
        "Jump to section",
        "1 minute",
        "Listen to this article",
    ],
)
def test_a_lone_date_or_page_navigation_label_is_furniture(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "On July 29, 2025, the council voted to close the pier.",
        "In this article we look at why ferries run late.",
        "The survey took 2 days and 40 volunteers.",
    ],
)
def test_reporting_with_a_date_stays(line: str) -> None:
    assert not is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Thanks! Your submission has been received.",
        "Oops! Something went wrong while submitting the form.",
        "Was this article helpful?",
        "Thank you for your feedback!",
        "Check your inbox to confirm your subscription.",
        "Loved these ideas? Pin it for later!",
    ],
)
def test_form_and_feedback_messages_are_furniture(line: str) -> None:
    """What a form or a feedback widget shows once used: hidden until then by the page's
    script, so no hidden-text pass sees it hidden."""
    assert is_boilerplate_line(line)


def test_reporting_about_feedback_stays() -> None:
    assert not is_boilerplate_line(
        "The council said the survey was helpful and that every submission had been read by "
        "officers before the vote."
    )


@pytest.mark.parametrize(
    "line",
    [
        "Learn more about how the council spends its budget in our explainer below.",
        "Sign up rates for the scheme doubled in the first week, officials said.",
        "Get started early: the first ferry leaves at six.",
    ],
)
def test_reporting_that_starts_like_a_button_stays(line: str) -> None:
    assert not is_boilerplate_line(line)


# --- calls to action, credits and the first paragraph -----------------------------------

CTA_CASES = [
    ("affiliate links", "first reductions since the boxes became popular"),
    ("Ready to simplify", "the average serving had shrunk"),
    ("Want to eat better", "publish the weights of every box"),
    ("Our dietitians build", "low in protein"),
    ("Talk to our team", "returns of uneaten ingredients fell"),
    ("Looking for more ways", "check the labels"),
]


@pytest.mark.parametrize(("absent", "present"), CTA_CASES)
def test_calls_to_action_stay_out_of_the_body(absent: str, present: str) -> None:
    ex = extract_fixture("call_to_action.html")
    assert absent not in ex.text, ex.text
    assert present in ex.text, ex.text
    assert not ex.excerpt_only


@pytest.mark.parametrize(
    "line",
    [
        "Curious how the new rules affect renters? Our guide explains each change.",
        "Want to know why the vote failed? Three councillors told us.",
        "Need help paying the bill, the charity asked callers to ring its hotline.",
    ],
)
def test_reporting_that_asks_a_question_stays(line: str) -> None:
    from retold.ingest.clean import is_call_to_action

    assert not is_call_to_action(line)


POOL = [*POOL_STORY[:7], "Shares in the operator fell 3% on the news, said Reuters.", POOL_STORY[7]]


def test_a_simple_news_page_keeps_every_paragraph() -> None:
    """Sentences ending in "repair bill." or "twenty years." once matched the photo-credit
    rule ("epa" inside "repair", "repay"): the lede was lost."""
    body = "".join(f"<p>{p}</p>" for p in POOL)
    html = (
        "<!doctype html><html lang='en'><head><title>Brackley keeps its pool</title></head>"
        f"<body><main><article><h1>Brackley keeps its pool</h1>{body}</article></main>"
        "</body></html>"
    )
    ex = extract(html, "https://gazette.example/pool.html")
    assert ex.text.split("\n\n") == POOL


@pytest.mark.parametrize(
    "line", ["Photograph: Jon Smith/Reuters", "(AFP)", "Jane Doe | Getty Images", "EPA-EFE/Ann Lee"]
)
def test_agency_credits_are_still_furniture(line: str) -> None:
    assert is_boilerplate_line(line)


def test_container_text_reads_the_blocks_of_the_article_container() -> None:
    """The fallback for pages both trafilatura passes miss (listicles, card and tab
    layouts): the blocks of the element holding most <p> text, chrome and furniture out."""
    from trafilatura.utils import load_html

    from retold.ingest.extract import _container_text

    para = "A long enough paragraph of the guide, written for the readers of this page. " * 3
    html = (
        "<html><body><nav><p>Home</p><p>Guides</p></nav><div class='layout'>"
        f"<div class='cards'><h2>Five ways to save</h2><p>{para}</p><ul><li>Cook at home</li>"
        f"<li>Walk to work</li></ul><div class='tile'><h3>Table</h3><p>{para}</p></div>"
        "<table><tr><td>Rent</td><td>£900</td></tr></table>"
        "<div class='newsletter-box'><p>Sign up for more tips</p></div></div>"
        "<aside><p>Sidebar</p></aside></div><footer><p>© Site</p></footer></body></html>"
    )
    tree = load_html(html)
    assert tree is not None
    blocks = _container_text(tree).split("\n")
    assert blocks[0] == "Five ways to save"
    assert "Cook at home" in blocks and "£900" in blocks and "Table" in blocks
    assert not {"Home", "Sidebar", "© Site", "Sign up for more tips"} & set(blocks)


# --- copies of the page -----------------------------------------------------------------


def test_a_page_rendered_twice_is_read_once() -> None:
    # Responsive layouts put the whole article on the page once per screen size.
    text = extract_fixture("responsive_copies.html").text
    assert text.count("A dormer adds headroom") == 1, text
    # (The contact strip under it is read at most once: its last line, short and without
    # a sentence's ending, may go as a heading left without its section.)
    assert text.count("14 Quarry Lane") <= 1, text
    assert "permitted development" in text


def test_repeated_runs_only_flags_long_stretches() -> None:
    keys = ["intro", "a", "b", "c", "d", "summary", "a", "b", "c", "d", "end"]
    assert repeated_runs(keys) == [False] * 6 + [True] * 4 + [False]
    # A repeated pair (a key point restated, a bullet repeated in a summary) stays.
    assert not any(repeated_runs(["a", "b", "x", "a", "b", "y"]))


# Lines of small print, badges and labels, as extractors hand them over (list markers kept).
SMALL_PRINT = [
    "- 6 min read",
    "3 MIN. READ",
    "— Accessibility",
    "Trending",
    "Related searches: Garden tools, Hand tools",
    "Costs guides include Loft conversions | Dormers | Extensions | Garage conversions",
    "| Tags |",
    "Follow along or grab the RSS feed.",
    "By submitting this form you agree to our Terms of Use and acknowledge our Privacy "
    "Policy; you can unsubscribe at any time.",
]


@pytest.mark.parametrize("line", SMALL_PRINT)
def test_small_print_lines_are_furniture(line: str) -> None:
    assert is_boilerplate_line(line)


def test_advertising_disclosure_is_a_call_to_action() -> None:
    line = (
        "We may be compensated when you open an account through one of the offers below, "
        "which comes from our advertising partners. Opinions are the writer's own."
    )
    assert is_call_to_action(line)


@pytest.mark.parametrize(
    "line",
    [
        "The regulator said it would publish its privacy policy review in the spring, after "
        "ministers failed to agree on a date.",
        "Search teams reached the farm at dawn.",
        "- Tags and labels were printed on site",
        "| Dormer | £45,000 | 6 weeks | planning needed |",
        "The council's related report is due in May: it covers the harbour and the ferry.",
    ],
)
def test_reporting_about_policies_and_searches_stays(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_a_related_heading_cuts_only_in_the_second_half() -> None:
    body = [
        f"Paragraph {i} of the report on the ferry timetable and the school day." for i in range(6)
    ]
    assert related_section_start([*body, "Read this next", "Harbour wall repairs"]) == 6
    # Near the top it is a section of an index page or a short piece: left alone.
    assert related_section_start(["Recent posts", *body]) is None


def test_a_closing_sales_sentence_is_cut_from_its_paragraph() -> None:
    para = (
        "Track every booking from one dashboard, with reports your accountant can read. "
        "Start your free trial today!"
    )
    assert without_closing_invitation(para) == (
        "Track every booking from one dashboard, with reports your accountant can read."
    )
    # Reporting that ends on an instruction to readers keeps it.
    news = (
        "The road will close from Monday while the bridge is repaired. "
        "Contact the council for the diversion map."
    )
    assert without_closing_invitation(news) == news


def test_templated_runs_need_six_short_lines_alike() -> None:
    towns = ["Bath", "Derby", "Leeds", "York", "Ely", "Hull"]
    lines = ["Intro paragraph.", *(f"Average cleaning prices in {t}" for t in towns)]
    assert templated_runs(lines) == [False] + [True] * 6
    # Five list items that open alike are a list in the article, not a directory.
    assert not any(templated_runs(lines[:6]))
