"""What the editorial desk adds to published pages: correction notes, the site's corrections
page, and readers' "Report an error" (a mailto: link and, behind a desk, a small form)."""

from __future__ import annotations

from urllib.parse import urlsplit

from retold.publish import dates, urls
from retold.publish.markup import esc
from retold.records import ArticlePage, CorrectionNote, SiteInfo

CORRECTIONS_REL = "corrections/"
MESSAGE_MAX = 2000  # the desk refuses longer reports; the form says so first


def notes_html(site: SiteInfo, notes: list[CorrectionNote]) -> str:
    """The "Corrections" section under an article ("" when it has none)."""
    if not notes:
        return ""
    items = "".join(
        f'<li><p><strong>Correction, <time datetime="{dates.iso(n.when)}">'
        f"{dates.human(n.when)}</time>:</strong> {esc(n.note)}</p></li>\n"
        for n in notes
    )
    every = esc(urls.href(site, CORRECTIONS_REL))
    return (
        '<section class="corrections" aria-labelledby="corrections-heading">\n'
        '<h2 id="corrections-heading">Corrections</h2>\n'
        f'<ul>\n{items}</ul>\n<p><a href="{every}">All corrections</a></p>\n</section>\n'
    )


def feed_notes(notes: list[CorrectionNote]) -> str:
    return "".join(
        f"<p><strong>Correction, {dates.human(n.when)}:</strong> {esc(n.note)}</p>\n" for n in notes
    )


def form_action(site: SiteInfo) -> str:
    """The page's CSP form-action source for the report form ("" when there is no form)."""
    if not site.report_url:
        return ""
    if site.report_url.startswith("/"):
        return "'self'"
    parts = urlsplit(site.report_url)
    return f"{parts.scheme}://{parts.netloc}"


def report_html(site: SiteInfo, page: ArticlePage, url: str) -> str:
    """Readers' "Report an error": a prefilled mailto: and, behind a desk, a form."""
    if not site.report_email and not site.report_url:
        return ""
    parts = [
        '<section class="report" aria-labelledby="report-heading">\n'
        '<h2 id="report-heading">Report an error</h2>\n'
    ]
    if site.report_email:
        subject = urls.quote_all(f"Error in: {page.headline}")
        body = urls.quote_all(f"Article: {url}\n\nWhat is wrong:\n")
        mailto = f"mailto:{urls.quote_all(site.report_email).replace('%40', '@')}"
        parts.append(
            f'<p><a class="report-mail" href="{esc(mailto)}?subject={subject}&amp;body={body}">'
            "Report an error by email</a></p>\n"
        )
    if site.report_url:
        action = esc(site.report_url + "/report")
        parts.append(
            f'<form class="report-form" method="post" action="{action}">\n'
            f'<input type="hidden" name="slug" value="{esc(page.slug)}">\n'
            '<p><label for="report-sentence">Sentence number (from the evidence list; '
            "optional)</label> "
            '<input id="report-sentence" name="sentence" inputmode="numeric" '
            'pattern="[0-9]{1,3}" size="4" maxlength="3"></p>\n'
            '<p><label for="report-message">What is wrong?</label><br>'
            f'<textarea id="report-message" name="message" rows="4" maxlength="{MESSAGE_MAX}" '
            "required></textarea></p>\n"
            '<p><label for="report-contact">Your email, if we may reply (optional)</label> '
            '<input id="report-contact" name="contact" type="email" maxlength="200"></p>\n'
            '<p><button type="submit">Send the report</button></p>\n</form>\n'
        )
    parts.append("</section>\n")
    return "".join(parts)
