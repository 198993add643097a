"""Text clean-up shared by feed parsing and page extraction.

Two jobs: turn an HTML fragment into plain paragraphs, and recognise the
boilerplate lines that survive a main-text extractor (captions, photo credits,
"Read more:" links, newsletter and share prompts, cookie notices, author bios).
Everything here is a pure function over strings.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from collections.abc import Iterable

import lxml.html
from lxml import etree

from retold.ingest.hidden import PageStyle, is_hidden
from retold.text.caseless import caseless
from retold.text.normalise import collapse_spaces
from retold.text.scripts import word_count
from retold.text.words import wordset

# Block-level tags: text inside them becomes its own paragraph.
_BLOCK_TAGS = wordset(
    "p div section article header footer aside blockquote li ul ol dl dt dd h1 h2 h3 h4 "
    "h5 h6 pre table tr figure figcaption address main nav "
)
_SKIP_TAGS = frozenset(
    ("script style noscript template svg iframe object form button select ").split()  # noqa: SIM905
)


# Runs of whitespace (NBSP included) as one space: the rule's home is retold.text.normalise.
normalise_space = collapse_spaces


def paragraphs(text: str) -> list[str]:
    """Split text into non-empty paragraphs on blank lines."""
    return [p for p in (normalise_space(b) for b in re.split(r"\n\s*\n", text)) if p]


def join_paragraphs(paras: Iterable[str]) -> str:
    return "\n\n".join(p for p in paras if p)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one paragraph per block, blank lines between.

    Used for feed summaries and full-content feed items, where the HTML is
    already the article and needs no main-text detection.
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return join_paragraphs(paragraphs(htmllib.unescape(fragment)))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalise_space(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)))
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        para = normalise_space("".join(buf))
        if para:
            out.append(para)
        buf.clear()

    page = PageStyle(root)

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        # Feed content hides text the way pages do (white <font>, display:none spans).
        if tag in _SKIP_TAGS or not tag or is_hidden(el, page):
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            buf.append(" ")
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return join_paragraphs(out)


# --- boilerplate lines ---------------------------------------------------------

_LINK_PREFIX = re.compile(
    r"^\s*(?:read more|read next|more on this(?: story)?|related(?: [\w-]+){0,2}|"
    r"see also|also read|recommended(?: reading)?|you may also like|you might also like|"
    r"further reading|most read|watch|listen|more:|also on \w+|topics|tags|filed under|"
    r"categories|sections?)\s*[:|»›>\-–—]",
    re.IGNORECASE,
)
_SHORT_CTA = caseless(
    r"(?:^|\b)(?:sign up (?:for|to) (?:our|the)|subscribe to (?:our|the) (?:\w+ )?(?:newsletter|"
    r"podcast|channel)|"
    r"get (?:our|the) (?:\w+ )?newsletter|newsletter sign[- ]?up|sign up now|enter your email|"
    r"your email address|share (?:this|on)\b|share this (?:article|story|page)|follow us on|"
    r"click here to|tap here to|download (?:our|the) app|we use cookies|this (?:site|"
    r"website) uses cookies|"
    r"accept (?:all )?cookies|cookie (?:policy|settings|preferences)|manage (?:your )?(?:cookie|"
    r"consent)|"
    r"by continuing to (?:use|browse)|advertisement|sponsored content|story continues below|"
    r"article continues below|scroll to continue|comments? (?:are|is) closed|join the conversation|"
    r"leave a comment|post a comment|all rights reserved|copyright ©|© \d{4}|"
    # share prompts
    r"share (?:it|this(?: \w+)?) with (?:a |your )?(?:friends?|colleagues?|family)|"
    r"forward (?:it|this(?: \w+)?) to (?:them|a friend|your friends)|know someone who|"
    r"tell (?:a|your) friends?|"
    # social handles
    r"(?:follow|find|connect with) \w+(?: \w+)? on (?:twitter|x|instagram|facebook|linkedin|"
    r"threads|bluesky|tiktok|youtube|mastodon)\b|"
    # subscription and newsletter offers
    r"(?:get|enjoy|for) unlimited (?:digital )?access|subscribe (?:today|now|here)\b|"
    r"start (?:your|a) free trial|free trial today|already (?:a subscriber|have an account)\?|"
    r"become a (?:member|subscriber|supporter|patron)\b|support (?:our|independent) journalism|"
    r"(?:our|a) (?:free )?(?:daily|weekly|monthly) (?:\w+ )?newsletter|in your inbox|"
    r"delivered to your inbox|join (?:our|the) (?:\w+ )?(?:mailing list|newsletter|facebook group|"
    r"community|discord|slack)|spread the word about|get the latest (?:news|updates|offers) "
    r"(?:about|from|on)|"
    # offers
    r"(?:unlock|save|get) (?:up to )?\d+% off (?:your|our|all|today|now)|"
    r"use (?:the )?(?:promo |discount )?code [a-z]*\d[a-z0-9]*\b|"
    r"(?:gifting|giving) you \$?\d|"
    # feed links
    r"(?:grab|get|subscribe (?:to|via)|follow (?:along )?(?:via|with)) (?:the |our |my )?rss\b|"
    # what a form or a feedback widget says once used (hidden until then)
    r"something went wrong while submitting|your (?:submission|message|email) has been "
    r"(?:received|sent)|thank you for your (?:feedback|submission)|thanks for (?:your feedback|"
    r"subscribing|signing up)|(?:did you find|was) this (?:article|page|post|content|"
    r"information) (?:helpful|useful)|check your (?:email|inbox) to (?:complete|confirm)|"
    r"rate this (?:article|page|post)|pin it for later)",
)
# Whole short lines that are page furniture wherever they stand: buttons, menu items,
# reading-time badges. Matched as the entire line only, so reporting never trips them.
_FURNITURE_LINE = re.compile(
    r"^(?:get started(?: today| now| free)?|book a (?:demo|call)|request a (?:quote|demo)|"
    r"sign up(?: now| today| free)?|subscribe(?: now| today| to us)?|newsletters?|"
    r"join (?:our|the) (?:\w+ )?(?:newsletter|mailing list)|privacy policy|"
    r"terms (?:&|and) conditions|terms of (?:use|service)|contact us|"
    r"back to (?:the )?(?:blog|blogs|top|articles?|news)|table of contents|"
    r"\d+ min(?:ute)?s?\.? read(?: time)?|apply now|learn more|read more|advertisement|"
    r"browse related articles|explore more related content|available downloads|partner links|"
    r"share your story|related (?:posts|articles|reports)(?: include)?|"
    # menu and toolbar labels
    r"home|search(?:\.\.\.|…)?|tags|categories|share|related|trending|end of article|"
    r"skip (?:to (?:the )?(?:main )?content|navigation)|accessibility|"
    r"get in touch(?: with (?:us|our team))?|"
    # author boxes and reading-time badges split over lines
    r"view (?:the )?(?:author(?:'s)? (?:page|profile)|(?:all )?posts by \S+(?: \S+)?)|"
    r"(?:estimated )?reading time|(?:written|posted|reviewed|edited|fact[- ]checked) by|"
    r"\d+ minutes?|listen to (?:this|the) (?:article|story)(?: [\w ]{0,30})?|posted on|"
    # in-page navigation
    r"in this (?:article|post|guide)|on this page|jump to(?: section| content)?|topics covered|"
    # what to do with the media beside the text ("Hover to reveal", "(turn sound on)")
    r"\(?(?:turn (?:the )?sound on|sound on|(?:hover|tap|click) (?:here )?to (?:reveal|expand|"
    r"play|enlarge|zoom|see more|read more)|scroll (?:down )?to (?:explore|continue))\)?)"
    r"\s*[.!:]?$|"
    # a short line ending in an arrow is a link button ("Test winner ➔")
    r"^.{1,60}\s*[➔→›»]$",
    re.IGNORECASE,
)
# The small print under a form: agreeing to the site's terms or privacy policy.
_CONSENT = re.compile(
    r"(?:\b(?:i|you) (?:hereby |also )?(?:agree|consent|accept|acknowledge)|\bby (?:submitting|"
    r"clicking|signing up|subscribing|registering)\b|"
    r"^(?:and )?(?:agree|consent) to)\b.{0,500}?\b(?:privacy (?:policy|notice|statement)|"
    r"terms (?:of (?:use|service)|(?:&|and) conditions))",
    re.IGNORECASE,
)
# A closing "About <company>" section of a press release, and the lines that end one.
_ABOUT_HEADING = re.compile(r"^about (?:the )?(\S.{1,60}?)\s*:?$", re.IGNORECASE)
_RELEASE_END = re.compile(
    r"^(?:#{3,}|-\s*#{3,}\s*-|-?\s*ends\s*-?|(?:media|press) (?:contacts?|enquiries|inquiries)"
    r"\b.*|forward[- ]looking statements?\b.*)$",
    re.IGNORECASE,
)
# A date standing alone ("July 29, 2025", "Friday, 14 November 2025", "19/12/2025",
# "2 days ago"): the article's dateline, split from its byline.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted)(?: on)?:?\s*)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?"
    rf"\s+\d{{4}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+\d{{1,2}}|"
    r"\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago)\.?$",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"(?:^|[\s(\[|—–-])(?:photo(?:graph)?s?|picture|image|credit|illustration|video|"
    r"pictured)\s*(?:credit)?(?:\s*by)?\s*[:/]\s*"
    r"[\w.'’‘ -]{2,60}[)\]]?\.?\s*$|"
    # a caption's closing credit after its sentence ("… in Budapest. Photo courtesy of Ann Lee")
    r"(?<=[.!?)] )(?:photo|image|picture)s? (?:courtesy of|by) [\w.'’‘ -]{2,40}[)\]]?\.?\s*$|"
    # An agency at the end of a line is a credit only as a whole word set off as credits
    # are ("… | Getty Images", "(Reuters)"): "epa" inside "repair bill." and "… said Reuters."
    # closing a sentence of reporting are not.
    r"(?:^|[(\[|/—–-]\s*|\s{2,})(?:getty images|reuters|associated press|afp|shutterstock|"
    r"alamy|epa)\b[\w /-]{0,30}[)\]]?\.?\s*$",
    re.IGNORECASE,
)
# A word every credit line holds: a cheap test before the regex (this runs on every line).
_CREDIT_HINTS = (
    "photo",
    "pictur",
    "image",
    "credit",
    "illustration",
    "video",
    "reuters",
    "associated press",
    "afp",
    "shutterstock",
    "alamy",
    "epa",
)
_BIO = re.compile(
    r"^(?:about the author\b|(?i:(?:additional )?(?:reporting|writing|editing|compiled|"
    r"produced) by) [A-Z].{0,120}$|\(?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3},? (?:is|has been|"
    r"was) (?:a|an|the|our)\b"
    r"[^.]{0,120}\b(?:reporter|correspondent|editor|journalist|writer|columnist|contributor|"
    r"photographer|covers?|has covered|has written|"
    # people who sign a company's blog: its owner, founder, lawyers, experts
    r"owner|founder|co-founder|ceo|chief \w+ officer|president|attorney|lawyer|partner|"
    r"consultant|specialist|expert|analyst|author|blogger)\b)",
)
_BYLINE = re.compile(
    r"^(?:by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*[,|·•-].{0,60})?|"
    r"(?:published|updated|posted|last updated)\s*[:]?\s*.{0,50}\d.{0,30})$",
    re.IGNORECASE,
)


# Marketing calls to action: a question put to the reader ("Ready to simplify your
# nutrition?") or an invitation to act on the publisher's offer ("Get started today",
# "Talk to our experts"). Reporting asks questions too, so a line counts only when it is
# short and has both halves, or when it closes the article (see is_call_to_action).
_READER_QUESTION = re.compile(
    r"^(?:ready to|want to|wanting to|looking to|looking for|need (?:help|a|an|more)|"
    r"interested in|curious (?:about|how)|struggling (?:to|with)|tired of|still not sure|"
    r"not sure (?:where|how|which))\b[^?]{0,120}\?",
    re.IGNORECASE,
)
_INVITATION = caseless(
    r"\b(?:get started|learn more|find out more|contact (?:us|our)|get in touch|talk to (?:our|"
    r"an?|us)|speak (?:to|with) (?:our|an?|us)|book (?:a|your) (?:free )?(?:demo|call|"
    r"consultation)|schedule (?:a|your) (?:free )?(?:demo|call|consultation)|request a (?:quote|"
    r"demo)|get (?:a|your) (?:free )?(?:quote|demo|trial|estimate)|(?:start|try) (?:it |\w+ )?"
    r"(?:for )?free|free trial|start (?:building|your|now|today)|sign up|join (?:us|our|now|"
    r"today)|download (?:now|our|the free)|see how (?:it works|we)|discover how|"
    r"click (?:here|below)|we can help|let us help|our (?:experts|team) (?:can|will)|"
    r"subscribe (?:here|now|today))\b",
)
# Button labels of an offer besides the invitations above ("Apply now", "Get your copy").
_OFFER_BUTTON = caseless(
    r"\b(?:(?:apply|shop|buy|order|register|enrol|enroll|subscribe) (?:now|today)|"
    r"get (?:your|the|a|my) (?:free )?(?:copy|guide|e-?book|report|template|checklist|"
    r"quote|offer)|download (?:the |your )?(?:free )?(?:guide|e-?book|report|whitepaper)|"
    r"request (?:a |your )?(?:demo|quote|consultation|callback)|see (?:plans|pricing)|"
    r"view (?:plans|pricing)|get (?:a |your )?free)\b",
)


def is_offer_button(label: str) -> bool:
    """A link or button label that invites the reader to act on an offer ("Book a demo",
    "Get your copy today"): the mark of a promo banner. "Read more" is not one: teaser
    cards and expanders carry it, and an expander may hold the article."""
    low = label.casefold()
    return 0 < word_count(label) <= 6 and bool(_INVITATION.search(low) or _OFFER_BUTTON.search(low))


# The last sentence of a paragraph, when short.
_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+([A-Z][^.!?]{0,120}[.!?]?)\s*$")
# A sentence that tells the reader to act: "Get started with a free trial today!"
_IMPERATIVE = re.compile(
    r"^(?:get|sign|start|try|book|request|download|join|contact|schedule|subscribe|register|"
    r"apply|shop|buy|order|talk|speak|reach out)\b",
    re.IGNORECASE,
)


def without_closing_invitation(para: str) -> str:
    """The paragraph without a short closing sentence that tells the reader to act on the
    publisher's offer ("... and more. Start your free trial today!") or discloses its
    affiliate earnings: marketing pages glue these onto the last line of real text."""
    # The sentence is at most ~140 characters: look no further back than that.
    last = _LAST_SENTENCE.search(para, max(0, len(para) - 160))
    if last is None:
        return para
    sentence = last.group(1)
    low = sentence.casefold()
    if (
        len(sentence.split()) <= 15
        and _IMPERATIVE.match(sentence)
        and (_INVITATION.search(low) or _OFFER_BUTTON.search(low))
    ):
        return para[: last.start()].rstrip()
    # An affiliate disclosure glued on the same way ("As an Associate we earn from
    # qualifying purchases.") after a review's last line.
    if len(sentence.split()) <= 25 and _DISCLOSURE.search(low):
        return para[: last.start()].rstrip()
    return para


# Lines that are never reporting: affiliate disclosures and pleas for support.
_DISCLOSURE = caseless(
    r"\b(?:affiliate links?|earn (?:a |from )?(?:small )?commissions?|qualifying purchases|"
    r"(?:if|when) you (?:buy|purchase|click) (?:through|via|something)|"
    r"if you(?:'|’)?re enjoying (?:this|our)|if you (?:liked|enjoyed) this (?:post|article|story)|"
    r"consider (?:supporting|subscribing)|please consider (?:liking|sharing|subscribing|"
    r"supporting)|we may (?:be compensated|receive compensation|earn money)|"
    r"advertis(?:er|ing) (?:disclosure|partners)|how we make money)\b|"
    # the publisher offering its own people: "connect with one of our experts"
    r"\b(?:talk|speak|connect|chat) (?:to|with) (?:one of )?our (?:[\w-]+ ){0,4}(?:experts?|"
    r"team|specialists?|advisou?rs?|consultants?|strategists?)\b",
)


def is_call_to_action(para: str, words: int | None = None, *, closing: bool = False) -> bool:
    """A marketing call to action. Anywhere: a short line that asks the reader a question
    and invites them to act, or a disclosure. At the article's end (`closing`), where CTA
    boxes sit: a short reader question or invitation on its own."""
    words = word_count(para) if words is None else words
    if words > 60:
        return False
    # Substring gates before the regexes: this runs on every line of every page.
    low = para.casefold()
    if any(hint in low for hint in _DISCLOSURE_HINTS) and _DISCLOSURE.search(low):
        return True
    question = "?" in para and bool(_READER_QUESTION.match(para))
    if question and words > 30:
        # A longer pitch counts when it also ends on the invitation ("Want to keep up
        # with …? Our free weekly email … Subscribe here.").
        return without_closing_invitation(para) != para
    if not (question or closing) or words > 30:
        return False
    invitation = bool(_INVITATION.search(low))
    return invitation or (closing and question)


_DISCLOSURE_HINTS = (
    "affiliat",
    "commission",
    "purchase",
    "buy ",
    "click",
    "enjoy",
    "liked",
    "consider",
    "our ",
    "compensat",
    "advertis",
    "make money",
)


# A row of short links set apart by bars or dots ("Guides | Costs | Reviews | Near me").
_ROW_SEPARATOR = re.compile(r"\s+[|•·]\s+")


def is_link_row(para: str) -> bool:
    """A menu row of four or more short items, none longer than 8 words. Table rows, which
    extractors write with a leading bar, are not rows of links."""
    if para.startswith("|") or para.count("|") + para.count("•") + para.count("·") < 3:
        return False
    items = _ROW_SEPARATOR.split(para)
    return len(items) >= 4 and all(len(item.split()) <= 8 for item in items)


def _is_name_list(para: str) -> bool:
    """A label and a comma-separated list of short names after it ("Related companies: A,
    B, C, …"): tags, however many."""
    items = para.split(":", 1)[-1].split(",")
    return len(items) >= 4 and all(len(item.split()) <= 6 for item in items)


def is_boilerplate_line(para: str, words: int | None = None) -> bool:
    """Whether one extracted paragraph is page furniture rather than reporting.

    Only short paragraphs are judged: a long paragraph that happens to contain
    "share" or "newsletter" is almost always real text. `words` is the paragraph's word
    count where the caller has it already.
    """
    words = word_count(para) if words is None else words
    if words == 0:
        return True
    # List markers and table bars aside: "- 11 min read" is a badge all the same.
    if words <= 8 and (
        _FURNITURE_LINE.match(stripped := para.strip("-–—•*·| ")) or _DATE_LINE.match(stripped)
    ):
        return True
    low = para.casefold()
    if words <= 80 and ("privacy" in low or "terms" in low) and _CONSENT.search(para):
        return True
    if _LINK_PREFIX.match(para) and (words <= 30 or (words <= 120 and _is_name_list(para))):
        return True
    if is_link_row(para):
        return True
    if words <= 30 and _SHORT_CTA.search(low):
        return True
    if words <= 40 and any(h in low for h in _CREDIT_HINTS) and _CREDIT.search(para):
        return True
    return words <= 14 and bool(_BYLINE.match(para))


# Words a bio's later sentences use for its subject.
_PRONOUNS = frozenset(("she", "he", "they", "her", "his", "their", "him", "them"))
# A bio runs to the end of the text and is short: at most this many paragraphs.
_BIO_PARAGRAPHS = 4


def bio_start(paras: list[str]) -> int | None:
    """Where an author bio at the end of the text begins: a bio sentence ("Jo Bloggs is
    the founder of…") among the last few paragraphs, with everything after it about the
    same person (their first name, or he/she/they); None if the text has none."""
    first = max(0, len(paras) - _BIO_PARAGRAPHS)
    for i in range(first, len(paras)):
        if not is_bio(paras[i]):
            continue
        name = paras[i].lstrip("(").split()[0].casefold()
        rest = paras[i + 1 :]
        if all(
            word_count(p) <= 80
            and (name in (words := set(re.findall(r"\w+", p.casefold()))) or _PRONOUNS & words)
            for p in rest
        ):
            return i
    return None


# The author box under an article: their name on a line of its own, or a paragraph that
# opens with their name and says who they are ("Jo Bloggs is…", "Jo has covered…"), among
# the last few paragraphs, with only short lines after it (their title, links, a sign-off).
AUTHOR_BOX_PARAGRAPHS = 4
_AUTHOR_BOX_AFTER_WORDS = 80
_ABOUT_VERB = r"(?:is|was|has|have|writes|covers|joined|leads|works|specializes|specialises)"
_PERSON_NAME = re.compile(r"^[A-Z][a-z'’.-]+(?: [A-Z][\w'’.-]*){1,3}$")


def author_names(author: str) -> list[str]:
    """The people in an author field ("A, B and C")."""
    parts = re.split(r"\s*(?:,|&|\band\b|\|)\s*", normalise_space(author))
    return [p for p in parts if p]


def author_box_start(paras: list[str], author: str) -> int | None:
    """Where the author box at the end of the text begins (see AUTHOR_BOX_PARAGRAPHS);
    None if the text has none or the page names no author."""
    names = author_names(author)
    if not names or not paras:
        return None
    # (exact name, first name where the author is a person), folded; matched with
    # startswith and fixed patterns: compiling a pattern per author cost more than the rest.
    people = [
        (fold(name), fold(name.split()[0]) if _PERSON_NAME.match(name) else None) for name in names
    ]
    # What follows the name is short, or about them (a long bio names them again).
    tokens = {t for name, _ in people for t in re.findall(r"\w{3,}", name)}
    first_box = max(0, len(paras) - AUTHOR_BOX_PARAGRAPHS)
    for i in range(first_box, len(paras)):
        if _names_author(fold(paras[i]), people) and all(
            word_count(p) <= _AUTHOR_BOX_AFTER_WORDS or tokens & set(re.findall(r"\w+", fold(p)))
            for p in paras[i + 1 :]
        ):
            return i
    return None


_NAME_ALONE = re.compile(r"[\s.,:;|–—-]*")
_SAYS_WHO = re.compile(rf"(?:,[^.]{{0,80}},)? {_ABOUT_VERB}\b")


def _names_author(key: str, people: list[tuple[str, str | None]]) -> bool:
    """Whether a folded paragraph is the author's name alone, or a person's full or first
    name saying who they are ("Ann Lee is…", "(Ann, a reporter, covers…")."""
    for name, first in people:
        if key.startswith(name) and _NAME_ALONE.fullmatch(key, len(name)):
            return True
        if first is None:
            continue
        opened = key[1:] if key.startswith("(") else key
        if any(opened.startswith(n) and _SAYS_WHO.match(opened, len(n)) for n in (name, first)):
            return True
    return False


def is_bio(para: str) -> bool:
    """An author-bio sentence ("Jo Bloggs is our transport correspondent...").

    Only trust this near the end of an article: mid-article, the same shape is
    usually reporting about a person.
    """
    return word_count(para) <= 60 and bool(_BIO.match(para))


# The heading of a list of other articles ("Read this next", "Recent posts").
_RELATED_HEADING = re.compile(
    r"^(?:recent (?:articles|posts|stories|news)|related (?:articles?|posts?|stories|content|"
    r"reading|news|resources|guides|publications)(?: (?:that|you) may interest you)?|"
    r"more (?:articles|stories|posts|news|to read|on this topic)|more from(?: \S+){1,4}|"
    r"other (?:articles|posts|stories)|"
    r"you (?:may|might) also (?:like|enjoy)|read (?:this )?next|recommended(?: for you| reading|"
    r" articles| posts)?|trending (?:now|articles|stories)|popular (?:articles|posts|stories)|"
    r"most (?:read|popular)|latest (?:articles|posts|news|stories)|further reading|"
    r"keep reading|what to read next)\s*[:.]?$",
    re.IGNORECASE,
)
# Only in the second half of the text: an index page or a short piece may open with one.
# (A third cuts a real article short on half A; a half and more give the same gains.)
RELATED_AFTER = 0.5


def related_section_start(paras: list[str]) -> int | None:
    """Where the list of other articles that pages put under the article begins (its
    heading, standing alone in the second half of the text); None if there is none."""
    words = [word_count(p) for p in paras]
    total, seen = sum(words), 0
    for i, para in enumerate(paras):
        late = seen >= RELATED_AFTER * total
        if late and words[i] <= 6 and _RELATED_HEADING.match(para.strip("-–—•*·| ")):
            return i
        seen += words[i]
    return None


def release_footer_start(paras: list[str]) -> int | None:
    """Where a press release's closing boilerplate begins ("About Acme", "###",
    "Media contact:"), looking only in the second half of the text; None if it has none."""
    for i in range(max(1, len(paras) // 2), len(paras)):
        para = paras[i]
        if _RELEASE_END.match(para):
            return i
        if i + 1 < len(paras) and is_about_heading(para, paras[i + 1]):
            return i
    return None


# A rule drawn with one character ("*****", "-----", "====="): where it stands once, late,
# with a few paragraphs under it, it sets the article apart from its sign-off (show notes,
# a contact appeal, credits). Three-character rules ("***") are scene breaks and stay.
_DIVIDER = re.compile(r"^([-*=_~#])(?: ?\1){4,}$")
# At least this share of the words before the rule (an article precedes it), and at most
# this many paragraphs after it (a sign-off is short; a rule in a long text is a section
# break or part of some code). (Both halves gain alike from 0.2 to 0.4 and from 12 to 20.)
DIVIDER_AFTER = 0.3
DIVIDER_TAIL = 15


def divider_footer_start(paras: list[str]) -> int | None:
    """Where a sign-off set apart by a lone rule begins (the rule itself); None if the
    text has no such rule, or more than one."""
    rules = [i for i, p in enumerate(paras) if len(p) <= 200 and _DIVIDER.match(p)]
    if len(rules) != 1 or len(paras) - rules[0] - 1 > DIVIDER_TAIL:
        return None
    words = [word_count(p) for p in paras]
    return rules[0] if sum(words[: rules[0]]) >= DIVIDER_AFTER * sum(words) else None


def is_about_heading(heading: str, following: str) -> bool:
    """ "About Acme" followed by "Acme is a leading…" / "Founded in…": company boilerplate."""
    about = _ABOUT_HEADING.match(normalise_space(heading))
    if not about or len(heading.split()) > 8:
        return False
    name, following = about.group(1).casefold(), normalise_space(following).casefold()
    return following.startswith((name, "founded", "headquartered")) or (
        name.split()[0] in following[:80] and " is " in following[:200]
    )


# A stretch of at least this many paragraphs repeated verbatim is a second copy of the
# page (responsive layouts render the article, or its footer, once per screen size).
# Single repeats and pairs stay: articles repeat a key sentence or a summary bullet.
# (4 gains on half A and keeps half B; 2 and 3 cost half B a little.)
REPEATED_RUN = 4


def repeated_runs(keys: list[str]) -> list[bool]:
    """For each paragraph (given by its comparison key), whether it belongs to a stretch
    of REPEATED_RUN or more consecutive paragraphs that repeats an earlier stretch."""
    seen: dict[str, list[int]] = {}
    drop = [False] * len(keys)
    i = 0
    while i < len(keys):
        longest = 0
        # A few earlier places are enough: copies repeat the first occurrence, and short
        # lines that recur everywhere ("Reply") must not make this quadratic.
        for j in seen.get(keys[i], [])[:4]:
            n = 0
            while i + n < len(keys) and j + n < i and keys[i + n] == keys[j + n]:
                n += 1
            longest = max(longest, n)
        for k in range(i, i + max(longest, 1)):
            seen.setdefault(keys[k], []).append(k)
        if longest >= REPEATED_RUN:
            drop[i : i + longest] = [True] * longest
        i += max(longest, 1)
    return drop


# A directory of links built from one template ("Average costs in Austin", "Average costs
# in Boston", ...): this many short lines in a row that open with the same words.
# (6 and 10 change the same page; 4 also takes runs of code lines and real list items.)
TEMPLATED_RUN = 6
_TEMPLATE_WORDS = 3


def templated_runs(paras: list[str]) -> list[bool]:
    """For each paragraph, whether it belongs to a run of TEMPLATED_RUN or more short
    lines (at most 12 words) that start with the same first three words."""
    keys: list[str | None] = []
    for para in paras:
        words = para.casefold().lstrip("-•* ").split()
        short = _TEMPLATE_WORDS < len(words) <= 12
        keys.append(" ".join(words[:_TEMPLATE_WORDS]) if short else None)
    flags = [False] * len(paras)
    i = 0
    while i < len(keys):
        j = i + 1
        while keys[i] is not None and j < len(keys) and keys[j] == keys[i]:
            j += 1
        if keys[i] is not None and j - i >= TEMPLATED_RUN:
            flags[i:j] = [True] * (j - i)
        i = j
    return flags


# A list item that is a post's title and its date ("- Packing for a long flight - December
# 8, 2025"): an archive or "recent posts" list, when several come in a row.
_DATED_ITEM = re.compile(
    r"^[-•*·]\s+.{8,200}?(?:\s[-–—|·]\s+|\s\()(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec)[a-z]*\.? \d{1,2},? \d{4}\)?$",
    re.IGNORECASE,
)
DATED_RUN = 3


def dated_list_runs(paras: list[str]) -> list[bool]:
    """For each paragraph, whether it belongs to DATED_RUN or more list items in a row that
    each end in a date: the list of other posts that blogs put beside or under an article."""
    return _runs_of(_DATED_ITEM, paras, DATED_RUN)


# A line that is a link and at most a short label ("[2] https://…", "- Source: https://…").
_LINK_LINE = re.compile(
    r"^(?:[-•*·]\s*)?(?:\[\d+\]\s*)?(?:[^\s:]{0,60}\s){0,6}(?:https?://|www\.)\S+$"
)
URL_RUN = 2


def url_list_runs(paras: list[str]) -> list[bool]:
    """For each paragraph, whether it belongs to URL_RUN or more lines in a row that are each
    a bare link: a list of sources or links, not prose to retell."""
    return _runs_of(_LINK_LINE, paras, URL_RUN)


def _runs_of(line: re.Pattern[str], paras: list[str], least: int) -> list[bool]:
    """For each paragraph, whether it is in a run of ``least`` or more that ``line`` matches."""
    flags = [False] * len(paras)
    start = 0
    for i in range(len(paras) + 1):
        if i < len(paras) and line.match(paras[i]):
            continue
        if i - start >= least:
            flags[start:i] = [True] * (i - start)
        start = i + 1
    return flags


# A heading with nothing under it: a short line ending the text without a sentence's
# closing punctuation ("Proudly supporting", "Stay ahead with Acme", "Sources").
_DANGLING_WORDS = 6
_CLOSED = re.compile(r"[.!?…:;,\"”’)\]]$")


def is_dangling_heading(para: str, words: int | None = None) -> bool:
    """Whether the text's last paragraph is a heading left without its section (a box the
    extractor dropped, or a list it didn't keep). Lists, tables and links are not."""
    words = word_count(para) if words is None else words
    return (
        words <= _DANGLING_WORDS
        and not _CLOSED.search(para)
        and not para.startswith(("-", "•", "|", "*"))
        and "://" not in para
    )


def fold(text: str) -> str:
    """Comparison key for matching the same text across DOM and extractor output."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return collapse_spaces(text)
