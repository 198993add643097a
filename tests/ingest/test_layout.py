"""Page structures that real pages use and what extraction makes of them: layout tables,
streamed rendering, quotes in figures, closing boilerplate, text given back as one blob."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from trafilatura.utils import load_html

from retold.ingest.extract import _is_layout_table, extract

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _table(html: str) -> etree._Element:
    tree = load_html(f"<html><body>{html}</body></html>")
    assert tree is not None
    table = tree.find(".//table")
    assert table is not None
    return table


def test_a_page_laid_out_in_a_table_reads_as_paragraphs() -> None:
    """Extractors write a table row as one line: the article, its byline and its sidebar
    came out glued into one paragraph that no line-level clean-up could take apart."""
    html = (FIXTURES / "layout_table.html").read_text(encoding="utf-8")
    paras = extract(html, "https://example.org/2025/03/wall.html").text.split("\n\n")
    assert any(p.startswith("Every spring the frost lifts") for p in paras), paras
    assert any(p.startswith("It took the two of us") for p in paras), paras
    assert not any("Posted by Mara" in p for p in paras), paras
    assert not any("Get a free blog" in p for p in paras), paras
    # The data table inside the article stays a table, one line per row.
    assert "| Reclaimed local | £95 |" in paras, paras


def test_data_tables_are_not_layout() -> None:
    rows = "".join(f"<tr><td>Item {i}</td><td>£{i}0</td></tr>" for i in range(5))
    assert not _is_layout_table(_table(f"<table>{rows}</table>"))
    # Header cells written as headings, and every datum wrapped in a <p>, as CMSs do.
    cells = "<tr><td><h3>Town</h3></td><td><h3>Price</h3></td></tr>" + "".join(
        f"<tr><td><p>Town {i}</p></td><td><p>£{i}</p></td></tr>" for i in range(5)
    )
    assert not _is_layout_table(_table(f"<table>{cells}</table>"))
    # A short box (a callout, a card) in a one-cell table reads well as it is.
    assert not _is_layout_table(_table("<table><tr><td>Tip: book early.</td></tr></table>"))


def test_code_tables_are_not_layout() -> None:
    """Syntax highlighters put line numbers in one cell and the code in the next."""
    code = "\n".join(f"total = total + {i}" for i in range(300))
    numbers = "\n".join(str(i) for i in range(1, 301))
    html = f"<table><tr><td><pre>{numbers}</pre></td><td><pre>{code}</pre></td></tr></table>"
    assert not _is_layout_table(_table(html))


def test_layout_tables() -> None:
    para = "<p>A paragraph of the article that runs on for a while, as they do.</p>" * 2
    # A cell with a heading and text under it is a region of the page.
    region = f"<tr><td><h2>Notes</h2>{para}</td><td>Archive</td></tr>"
    assert _is_layout_table(_table(f"<table>{region}{region}</table>"))
    # A table that holds another table lays out the page.
    inner = "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
    assert _is_layout_table(
        _table(f"<table><tr><td>{inner}</td><td>x</td></tr><tr><td>y</td><td>z</td></tr></table>")
    )
    assert _is_layout_table(_table('<table role="presentation"><tr><td>a</td></tr></table>'))


def test_streamed_rendering_is_read_in_place() -> None:
    """React streams late parts of a page in <div hidden id="S:n"> after the footer, and a
    script moves them to <template id="B:n">: they are the article, not hidden text."""
    html = (FIXTURES / "streamed_render.html").read_text(encoding="utf-8")
    text = extract(html, "https://example.org/2025/09/locks.html").text
    assert "collapsed lock wall" in text, text
    assert text.index("Volunteers now do") < text.index("collapsed lock wall")
    assert text.rstrip().endswith("waited another year."), text


def test_hidden_text_without_a_placeholder_stays_hidden() -> None:
    html = (FIXTURES / "streamed_render.html").read_text(encoding="utf-8")
    text = extract(html.replace('id="B:0"', 'id="B:7"'), "https://example.org/a").text
    assert "collapsed lock wall" not in text, text


def test_a_quote_set_as_a_figure_is_part_of_the_article() -> None:
    """trafilatura drops every <figure> (mostly images); quotes set in one are content.
    Social-media embeds are not the article's own words: they stay out."""
    html = (FIXTURES / "quote_figure.html").read_text(encoding="utf-8")
    text = extract(html, "https://example.org/2025/11/flour.html").text
    assert "keep the price of the plain loaf" in text, text
    assert (
        text.index("three independent bakers")
        < text.index("plain loaf")
        < text.index("smaller loaves")
    )
    assert "sourdough goes up 20p" not in text, text


def test_more_from_the_publisher_ends_the_article() -> None:
    from retold.ingest.clean import related_section_start

    body = [f"Paragraph {i} about the new timetable for the island ferry." for i in range(6)]
    for heading in (
        "More from Harbour Notes",
        "Related post",
        "Other posts:",
        "Related publications",
    ):
        assert related_section_start([*body, heading, "Our team of editors"]) == 6, heading
    # A sentence that starts the same way is reporting.
    line = "More from the council is expected on Friday, when the budget is published."
    assert related_section_start([*body, line, "More text."]) is None


def test_a_closing_affiliate_disclosure_is_cut_from_its_paragraph() -> None:
    from retold.ingest.clean import without_closing_invitation

    review = (
        "A slow, warm novel about two sisters who reopen their late father's seaside "
        "bookshop. I read it in one sitting. As an Amazon Associate we earn from qualifying "
        "purchases."
    )
    assert without_closing_invitation(review).endswith("I read it in one sitting.")
    news = (
        "The retailer's shares fell after the results. Analysts said buyers who purchase "
        "through the app now account for half of its sales."
    )
    assert without_closing_invitation(news) == news


def test_a_page_given_back_as_one_blob_is_read_by_its_blocks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """trafilatura's last resort hands back an article element's whole text as one line
    (article, newsletter box and related links glued together); the page's own blocks read
    better."""
    from types import SimpleNamespace

    import retold.ingest.extract as extract_module

    paras = [
        f"Paragraph {i} of the report: the harbour board met on Tuesday and agreed to "
        "dredge the inner basin before the summer, when the yachts return and the "
        "fishing fleet needs every berth it can get along the quay." * 2
        for i in range(12)
    ]
    html = (
        "<html><head><title>Dredging</title></head><body><article><h1>Dredging</h1>"
        + "".join(f"<p>{p}</p>" for p in paras)
        + "<div class='promo'>Sign up for our newsletter</div></article></body></html>"
    )
    blob = " ".join([*paras, "Sign up for our newsletter"])

    def one_blob(tree: object, url: str, *, fast: bool) -> SimpleNamespace:
        return SimpleNamespace(text=blob)

    monkeypatch.setattr(extract_module, "_trafilatura", one_blob)
    text = extract(html, "https://example.org/2025/dredging.html").text
    assert text.split("\n\n") == paras


def test_titles_lose_double_escapes_and_template_capitals() -> None:
    from retold.ingest.metadata import choose_title

    url = "https://tools.example/blog/data"
    assert choose_title(["Data tools for 2026 | Python, SQL &#x26; AI"], "", "", "", url) == (
        "Data tools for 2026 | Python, SQL & AI"
    )
    # An all-capitals <h1> takes the casing of a declared title with the same words.
    assert choose_title(
        ["TIPS FOR SAFER CYCLING"], "Tips for Safer Cycling | Road Notes", "", "Road Notes", url
    ) == ("Tips for Safer Cycling")
    # Acronyms and shouted headlines with no declared twin stay as written.
    assert choose_title(["NASA SETS LAUNCH DATE"], "", "", "", url) == "NASA SETS LAUNCH DATE"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("By Tess Orrin", "Tess Orrin"),
        ("Dara Quill Last Updated March 4", "Dara Quill"),
        ("Ann Lee, On December 3, 2025", "Ann Lee"),
        ("Dr. Omar Haddad", "Dr. Omar Haddad"),
        ("bell hooks", "bell hooks"),  # two words: a name, however written
        ("jsmith-news", ""),  # login handles
        ("editor.k", ""),
        ("mdlq6vkp2", ""),
        ("quietreader", ""),
        ("Written By", ""),  # placeholders
        ("undefined", ""),
        ("The Author", ""),
        ("Rosa Quint December", "Rosa Quint"),  # a byline run on into its date
        ("Theresa May", "Theresa May"),  # a surname that is a month stays
        ("Dec", ""),
        ("Name", ""),  # a form label, an account number, an address
        ("104857600213", ""),
        ("desk@harbour.example", ""),
        ("Ivo Brandt; Coast Weekly", "Ivo Brandt, Coast Weekly"),  # listed with commas
    ],
)
def test_author_names_lose_dates_handles_and_placeholders(raw: str, clean: str) -> None:
    from retold.ingest.metadata import clean_author

    assert clean_author(raw) == clean


def test_an_author_bio_at_the_end_is_cut_whole() -> None:
    from retold.ingest.clean import bio_start

    body = [
        f"Paragraph {i} on keeping a rented flat free of damp over the winter." for i in range(6)
    ]
    bio = [
        "Mira Olsen is the founder of Brightside Cleaning, a family firm serving the coast.",
        "Before that Mira spent ten years in hotel management.",
        "When she is not at work, she sails and grows chillies.",
    ]
    assert bio_start([*body, *bio]) == 6
    # A closing paragraph about something else: the "bio" is reporting about a person.
    assert bio_start([*body, bio[0], "The council will inspect the flats in March."]) is None
    # Near the top it is never a bio.
    assert bio_start([bio[0], *body]) is None


def test_the_author_box_at_the_end_is_cut_by_the_author_s_name() -> None:
    from retold.ingest.clean import author_box_start

    body = [
        f"Paragraph {i} on how the harbour ferry timetable changes in spring." for i in range(6)
    ]
    # Name on its own line, their title, then a long bio that names them again.
    long_bio = "Tomas Reyes is an engineer turned writer. " + "He rides ferries. " * 50
    assert author_box_start([*body, "Tomas Reyes", "Senior Editor", long_bio], "Tomas Reyes") == 6
    # A bio that opens with the first name, at the end.
    bio = "Tomas has covered coastal transport since 2019 and lives on the island."
    assert author_box_start([*body, bio], "Tomas Reyes") == 6
    # Two authors, two bios (a bio's verb need not be one of "reporter", "editor"…).
    bios = ["Ana Li is a professor of economics at Leeds.", "Tomas Reyes has written two books."]
    assert author_box_start([*body, *bios], "Tomas Reyes and Ana Li") == 6
    # A company as author: a closing line about the company is the article's.
    assert (
        author_box_start([*body, "Harbourline is proud to serve the islands."], "Harbourline")
        is None
    )
    # The name mid-article, or no author: nothing is cut.
    assert author_box_start([bio, *body], "Tomas Reyes") is None
    assert author_box_start([*body, bio], "") is None
    # What follows the name is long and not about them: the article goes on.
    assert (
        author_box_start(
            [*body, "Tomas Reyes", " ".join(["Ferries run late."] * 40)], "Tomas Reyes"
        )
        is None
    )


@pytest.mark.parametrize(
    "line",
    [
        "(turn sound on)",
        "Hover to reveal",
        "Click to enlarge",
        "View author page",
        "Estimated reading time:",
        "Written by",
        "Fact-checked by:",
        "Related companies: Northwind Ltd., Harbour Foods, Quay Street Bakery, Fellside Farm"
        " Supplies, Brookvale Mills, Orrin & Sons",
    ],
)
def test_media_prompts_author_links_and_tag_lists_are_furniture(line: str) -> None:
    from retold.ingest.clean import is_boilerplate_line

    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Sound on, the band played until midnight.",
        "Related reading: the council has three plans, and none of them, officials say, will be"
        " cheap or quick to deliver, which worries residents who have waited years for a"
        " decision on the bridge.",
    ],
)
def test_reporting_that_looks_like_a_prompt_stays(line: str) -> None:
    from retold.ingest.clean import is_boilerplate_line

    assert not is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The old pier at low tide, looking north. Photo by: 'Rhian Vale'.",
        "Lanterns over the night market. Photo courtesy of Tom Idle",
    ],
)
def test_captions_ending_in_a_photo_credit_are_furniture(line: str) -> None:
    from retold.ingest.clean import is_boilerplate_line

    assert is_boilerplate_line(line)
    assert not is_boilerplate_line("She kept a photo by Ansel Adams above her desk for years.")


def test_a_list_of_dated_posts_is_not_the_article() -> None:
    from retold.ingest.clean import dated_list_runs

    posts = [
        "- Packing light for a week in the hills - December 8, 2025",
        "- Where to stay near the lakes - November 27, 2025",
        "- Five quiet beaches (November 4, 2025)",
    ]
    assert dated_list_runs(["Intro.", *posts, "End."]) == [False, True, True, True, False]
    # Two dated items are a timeline in the article.
    assert not any(dated_list_runs(posts[:2]))


def test_a_glossary_tooltip_inside_a_sentence_is_not_read_into_it() -> None:
    definition = " ".join(["A ledger of every payment the council has made this year."] * 4)
    para = (
        "<p>The audit looked at the <span class='term'><dfn>spending register</dfn>"
        f"<span class='term-tooltip'><strong>Spending register</strong><br>{definition}"
        "<br><a href='/glossary/register'>Learn more</a></span></span> for the last five "
        "years and found no missing sums.</p>"
    )
    filler = "".join(
        f"<p>Paragraph {i} of the audit report, which the committee will discuss in May.</p>"
        for i in range(5)
    )
    html = f"<html><body><article><h1>Audit</h1>{para}{filler}</article></body></html>"
    text = extract(html, "https://example.org/2025/audit.html").text
    assert "The audit looked at the spending register for the last five years" in text, text
    assert "Learn more" not in text and "ledger of every payment" not in text, text


def test_a_newsletter_pitch_paragraph_is_a_call_to_action() -> None:
    from retold.ingest.clean import is_call_to_action

    pitch = (
        "Want to keep up with the harbour's shipping news and the tide tables for the coming "
        "month? Our free weekly Quayside Letter is the best source for everything that moves "
        "in and out of the port. Subscribe here."
    )
    assert is_call_to_action(pitch)
    reporting = (
        "Want to know why the vote failed? Three councillors told us, in interviews over two "
        "weeks, that the budget was never going to pass because the numbers did not add up, "
        "and the minutes show it."
    )
    assert not is_call_to_action(reporting)


def test_a_long_list_of_other_posts_stays_out() -> None:
    """Teaser cards under the article, in a block named as a list of posts: longer than a
    furniture box, so read whole by its name."""
    teaser = (
        "Our correspondent spent a week on the night ferries between the islands, talking "
        "to crews, lorry drivers and the few passengers who make the crossing in winter, "
        "and came back with a story about what keeps the service running."
    )
    cards = "".join(
        f"<div class='post-item'><h3><a href='/p{i}'>Night ferry diary, part {i}</a></h3>"
        f"<p>{teaser} Part {i}.</p></div>"
        for i in range(12)
    )
    body = "".join(
        f"<p>Paragraph {i} of the article on the new harbour timetable, which starts in "
        "March and moves the first sailing half an hour earlier.</p>"
        for i in range(8)
    )
    html = (
        f"<html><body><main><article><h1>New timetable</h1>{body}</article>"
        f"<section class='post-list'><h2>Read this next</h2>{cards}</section></main>"
        "</body></html>"
    )
    text = extract(html, "https://example.org/2025/timetable.html").text
    assert "Paragraph 7 of the article" in text, text
    assert "night ferries" not in text, text


def test_a_pull_quote_goes_but_a_heading_named_in_a_summary_stays() -> None:
    from retold.ingest.extract import _clean, _PageSignals

    quote = "We will not close a single branch library while I am in office."
    lines = [
        "In this guide: Opening hours by branch, Fines and renewals, and what comes next.",
        f"The mayor spoke at the reopening of the Eastgate branch. {quote} She took questions.",
        quote,  # the pull quote: a sentence of the article set apart
        "Opening hours by branch",
        "Most branches open at nine on weekdays and at ten on Saturdays.",
        "Fines and renewals",
        "Overdue fines were abolished in April; renewals can be made online.",
    ]
    kept = _clean(lines, "Library hours", _PageSignals())
    assert kept.count(quote) == 0
    assert "Opening hours by branch" in kept and "Fines and renewals" in kept


def test_a_json_ld_author_given_by_reference_is_resolved() -> None:
    """Yoast and Rank Math give the article's author as {"@id": …}, the Person elsewhere
    in the graph."""
    from trafilatura.utils import load_html

    from retold.ingest.metadata import page_metadata

    graph = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "BlogPosting", "headline": "Ferry fares rise", "author": {"@id": "#p1"}},'
        '{"@type": "Person", "@id": "#p1", "name": "Nell Arden"}]}'
    )
    html = (
        f"<html><head><script type='application/ld+json'>{graph}</script></head>"
        "<body><h1>Ferry fares rise</h1><p>Text.</p></body></html>"
    )
    meta = page_metadata(load_html(html), "https://example.org/a")
    assert meta["author"] == "Nell Arden"


def test_a_list_of_bare_links_is_not_prose() -> None:
    from retold.ingest.clean import url_list_runs

    paras = [
        "The harbour authority published its survey on Monday (see https://harbour.example/s).",
        "Sources:",
        "[1] https://harbour.example/survey-2025",
        "- Tide tables https://tides.example/north",
        "The survey will be repeated next year.",
        "https://harbour.example/contact",  # one link alone stays (it may be the point)
    ]
    assert url_list_runs(paras) == [False, False, True, True, False, False]


@pytest.mark.parametrize(
    ("last", "dangling"),
    [
        ("Proudly supporting", True),
        ("Stay ahead with Northwind", True),
        ("Sources", True),
        ("The ferry will run again on Friday.", False),
        ("Love and light,", False),  # a sign-off
        ("- Bring a coat", False),  # a list item
        ("https://harbour.example/timetable", False),
        ("What the council decided and why it matters for the harbour", False),  # too long
    ],
)
def test_a_heading_left_at_the_end_without_its_section(last: str, dangling: bool) -> None:
    from retold.ingest.clean import is_dangling_heading

    assert is_dangling_heading(last) is dangling


def test_the_date_the_page_shows_decides_between_published_and_updated() -> None:
    from trafilatura.utils import load_html

    from retold.ingest.metadata import page_metadata

    def date_of(time_el: str) -> str:
        html = (
            "<html><head>"
            "<meta property='article:published_time' content='2025-03-02T09:00:00Z'>"
            "<meta property='article:modified_time' content='2025-06-20T10:00:00Z'>"
            f"</head><body><h1>Ferry fares rise again</h1>{time_el}<p>Text.</p></body></html>"
        )
        date = page_metadata(load_html(html), "https://example.org/a")["date"]
        assert isinstance(date, datetime)
        return date.date().isoformat()

    # The page shows its update date: that is the date it presents.
    assert date_of("<time datetime='2025-06-20'>Updated 20 June</time>") == "2025-06-20"
    # It shows the published date, another date (a sidebar's), or none: published.
    assert date_of("<time datetime='2025-03-02'>2 March</time>") == "2025-03-02"
    assert date_of("<time datetime='2025-05-11'>11 May</time>") == "2025-03-02"
    assert date_of("") == "2025-03-02"


def test_the_author_s_name_alone_at_the_top_is_a_byline() -> None:
    from retold.ingest.extract import _clean, _PageSignals

    body = [
        f"Paragraph {i} on the harbour ferry timetable and what changes in spring."
        for i in range(5)
    ]
    kept = _clean(
        ["- Tomas Reyes", "March 3, 2025", *body], "Ferry times", _PageSignals(), "Tomas Reyes"
    )
    assert kept == body
    # Further down, a line naming the author is the article's (a quote, a credit).
    more = [f"Paragraph {i} on fares, which rise by a tenth in April." for i in range(5)]
    late = [*body[:3], "Tomas Reyes", *body[3:], *more]
    assert "Tomas Reyes" in _clean(late, "Ferry times", _PageSignals(), "Tomas Reyes")


def test_a_label_opening_the_text_with_nothing_to_label_goes() -> None:
    from retold.ingest.extract import _clean, _PageSignals

    body = [
        f"Paragraph {i} on the harbour ferry timetable and what changes in spring."
        for i in range(4)
    ]
    assert _clean(["Locations:", *body], "Ferry times", _PageSignals()) == body
    # A label over a list labels it: it stays.
    listed = ["Routes:", "- Northbound to the islands", "- Southbound to the city", *body]
    assert _clean(listed, "Ferry times", _PageSignals())[0] == "Routes:"


def _page(body: str) -> str:
    return f"<html><head><title>Notes</title></head><body><article>{body}</article></body></html>"


def test_a_sign_off_under_a_lone_rule_is_cut() -> None:
    """Podcast posts and local-news appeals set their sign-off (credits, "tell us your
    story", music by…) apart from the article with a rule of stars or dashes."""
    article = "".join(
        f"<p>Paragraph {i} of the episode notes: the guest explains how a small workshop "
        f"keeps its lathes running through a cold winter without raising prices.</p>"
        for i in range(5)
    )
    sign_off = (
        "<p>******************************</p>"
        "<p>Have a workshop story? Write to the show and we may feature you.</p>"
        "<p>Theme music by the Quayside Trio.</p>"
        "<p>Cover art by a listener in Leeds.</p>"
    )
    text = extract(_page(article + sign_off), "https://example.org/ep/12").text
    assert "keeps its lathes running" in text and "Paragraph 4" in text
    assert "Theme music" not in text and "Write to the show" not in text and "***" not in text


def test_rules_that_break_sections_keep_what_follows() -> None:
    from retold.ingest.clean import divider_footer_start

    body = [f"Paragraph {i} on the lathes of a small workshop in winter." for i in range(6)]
    notes = ["Theme music by the Quayside Trio.", "Cover art by a listener."]
    assert divider_footer_start([*body, "-----", *notes]) == 6
    # Two rules: section breaks, not a sign-off.
    assert divider_footer_start([*body[:3], "-----", *body[3:], "-----", *notes]) is None
    # A rule near the top, or one with a long text under it, is a section break.
    assert divider_footer_start([body[0], "=====", *body[1:], *notes]) is None
    assert divider_footer_start([*body, "*****", *body * 3]) is None
    # Three stars are a scene break.
    assert divider_footer_start([*body, "***", *notes]) is None


def test_closing_paragraphs_that_are_only_a_link_go() -> None:
    """A post that ends on a paragraph that is one link ("Meet us at the fair…", another
    post's title) ends on an invitation elsewhere, not on its own words."""
    paras = [
        f"<p>Paragraph {i} on why the town's market moved indoors for the winter and what "
        f"the stallholders think of the <a href='/hall'>new hall</a> so far.</p>"
        for i in range(5)
    ]
    article = "".join(paras)
    closing = "<p><a href='/events/fair'>Meet the Harbour Market team at the spring fair.</a></p>"
    text = extract(_page(article + closing), "https://example.org/market").text
    assert "Paragraph 4" in text and "new hall" in text
    assert "spring fair" not in text
    # Mid-article, or a short one (a source's name), it stays.
    middle = "".join([*paras[:3], closing, *paras[3:]])
    assert "spring fair" in extract(_page(middle), "https://example.org/market").text
    from retold.ingest.extract import _link_paragraphs

    source = "<p><a href='https://example.org/report'>Hall survey.</a></p>"
    tree = load_html(_page(article + closing + source))
    assert _link_paragraphs(tree) == {"meet the harbour market team at the spring fair."}


def test_a_promo_box_whose_button_is_labelled_by_aria_label_stays_out() -> None:
    """App-style pages draw a button's words in a sibling span and leave the link itself
    empty, named only by aria-label: the box around it is a promo banner all the same."""
    paras = [
        f"<p>Paragraph {i} on how a village hall booked its rooms with a shared calendar "
        f"instead of a paper diary, and what changed for the volunteers.</p>"
        for i in range(6)
    ]
    promo = (
        "<div class='k1'><h4>Plan your next step</h4>"
        "<p>Try Hallbook with three months of bookings on the house.</p>"
        "<div class='k2'><span>Get started for free</span>"
        "<a href='/signup' aria-label='Get started for free'></a></div></div>"
    )
    from retold.ingest.extract import _promo_banners

    page = _page("".join([*paras[:3], promo, *paras[3:]]))
    banners = _promo_banners(load_html(page))
    assert any("three months of bookings" in b for b in banners), banners
    assert not any("paragraph" in b for b in banners), banners
    assert "Paragraph 5" in extract(page, "https://example.org/hall").text


def test_a_paid_post_ends_at_its_wall_and_is_an_excerpt() -> None:
    """Newsletter platforms print a paid post's opening, then the pitch ("Become a paid
    subscriber to … to unlock this post") and what members get: the pitch and all under it
    are the wall, and the text is an excerpt."""
    preview = "".join(
        f"<p>Paragraph {i} on how a cooperative bakery plans its flour orders a season "
        f"ahead, and why the spreadsheet it used for years finally gave out.</p>"
        for i in range(6)
    )
    wall = (
        "<p>Here are the three tools we now use instead...</p>"
        "<p>Become a paid subscriber to Flour Notes to unlock this post and learn about:</p>"
        "<ul><li>The ordering sheet that fills itself in</li>"
        "<li>Why the miller now gets a voice memo</li></ul>"
        "<h3>What do members get?</h3><p>Weekly essays and the full archive.</p>"
    )
    page = extract(_page(preview + wall), "https://example.org/p/flour")
    assert "Paragraph 5" in page.text and "three tools" in page.text
    assert "voice memo" not in page.text and "full archive" not in page.text
    assert page.excerpt_only and page.excerpt_reason == "paywall"
