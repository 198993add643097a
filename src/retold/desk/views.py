"""Plain data for the desk's pages: an article's sentences beside its sources, and diffs.

Nothing here renders HTML by hand except the highlighted source text, which is built from
escaped pieces (the source is hostile until proven otherwise).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from retold.desk.actions import documents
from retold.desk.models import Correction, DeskAction, ReaderReport
from retold.publish import urls
from retold.records import SentenceCheck
from retold.store import articles as articles_store
from retold.store.schema import Article, ArticleVersion
from retold.verify.repair import sentences_of

VERDICT_TEXT = {
    "supported": "Matches the source",
    "unsupported": "Not found in the source",
    "contradicted": "Contradicted by the source",
    "unchecked": "Not checked",
}


@dataclass
class SentenceRow:
    number: int
    paragraph: int
    text: str
    verdict: str
    verdict_text: str
    reason: str
    evidence: str
    source_index: int | None  # which source panel holds the passage
    passage_id: str  # the <mark> id in that panel ("" when not found)
    source_url: str = ""
    reports: list[ReaderReport] = field(default_factory=list)


@dataclass
class SourcePanel:
    index: int
    title: str
    site_name: str
    href: str  # "" when the URL may not be a link
    text: Markup  # escaped, with passages in <mark id=...>


@dataclass
class ArticleDetail:
    article: Article
    version: ArticleVersion
    sentences: list[SentenceRow]
    sources: list[SourcePanel]
    reports: list[ReaderReport]  # open ones not tied to a sentence
    corrections: list[Correction]
    actions: list[DeskAction]
    versions: list[ArticleVersion]


def rows_for(paragraphs: list[str], checks: list[SentenceCheck]) -> list[SentenceRow]:
    """Each sentence with its check, in reading order (as the published page pairs them)."""
    pending = list(checks)
    rows: list[SentenceRow] = []
    for p_index, sentences in enumerate(sentences_of(paragraphs)):
        for text in sentences:
            match = next((c for c in pending if c.paragraph == p_index and c.text == text), None)
            if match is not None:
                pending.remove(match)
            verdict = match.verdict if match else "unchecked"
            rows.append(
                SentenceRow(
                    number=len(rows) + 1,
                    paragraph=p_index,
                    text=text,
                    verdict=verdict,
                    verdict_text=VERDICT_TEXT.get(verdict, verdict),
                    reason=match.reason if match else "",
                    evidence=match.evidence if match else "",
                    source_index=None,
                    passage_id="",
                    source_url=match.source_url if match else "",
                )
            )
    return rows


def _highlight(text: str, passages: list[tuple[str, str]]) -> Markup:
    """``text`` escaped, each (id, passage) found in it wrapped in <mark id=...>."""
    spans: list[tuple[int, int, str]] = []
    for mark_id, passage in passages:
        start = text.find(passage)
        if start < 0 or not passage:
            continue
        end = start + len(passage)
        if any(s < end and start < e for s, e, _ in spans):
            continue  # the same passage backs two sentences: the first mark serves both
        spans.append((start, end, mark_id))
    spans.sort()
    out: list[str] = []
    at = 0
    for start, end, mark_id in spans:
        out.append(str(escape(text[at:start])))
        out.append(f'<mark id="{escape(mark_id)}" tabindex="-1">{escape(text[start:end])}</mark>')
        at = end
    out.append(str(escape(text[at:])))
    # Paragraph breaks of the extracted text, shown as such.
    html = "".join(out).replace("\n\n", "</p><p>")
    return Markup(f"<p>{html}</p>")


def article_detail(session: Session, article_id: int) -> ArticleDetail | None:
    article = session.get(Article, article_id)
    if article is None:
        return None
    version = articles_store.current_version(session, article)
    rows = rows_for(list(version.paragraphs), articles_store.load_checks(version))
    docs = documents(session, version)
    by_url = {d.url: i for i, d in enumerate(docs)}
    marks: dict[int, list[tuple[str, str]]] = {i: [] for i in range(len(docs))}
    for row in rows:
        index = by_url.get(row.source_url) if row.source_url else None
        if index is None and len(docs) == 1:
            index = 0
        if index is None and row.evidence:
            index = next((i for i, d in enumerate(docs) if row.evidence in d.text), None)
        if index is not None and row.evidence and row.evidence in docs[index].text:
            row.source_index, row.passage_id = index, f"passage-{row.number}"
            marks[index].append((row.passage_id, row.evidence))
        else:
            row.source_index = index
    panels = [
        SourcePanel(
            index=i,
            title=d.title or d.url,
            site_name=d.site_name,
            href=urls.source_href(d.url),
            text=_highlight(d.text, marks[i]),
        )
        for i, d in enumerate(docs)
    ]
    reports = list(
        session.scalars(
            select(ReaderReport)
            .where(ReaderReport.article_id == article.id, ReaderReport.resolved.is_(False))
            .order_by(ReaderReport.at.desc())
        )
    )
    loose = []
    for report in reports:
        if report.sentence is not None and 1 <= report.sentence <= len(rows):
            rows[report.sentence - 1].reports.append(report)
        else:
            loose.append(report)
    return ArticleDetail(
        article=article,
        version=version,
        sentences=rows,
        sources=panels,
        reports=loose,
        corrections=list(
            session.scalars(
                select(Correction)
                .where(Correction.article_id == article.id)
                .order_by(Correction.at)
            )
        ),
        actions=list(
            session.scalars(
                select(DeskAction)
                .where(DeskAction.article_id == article.id)
                .order_by(DeskAction.id.desc())
            )
        ),
        versions=list(
            session.scalars(
                select(ArticleVersion)
                .where(ArticleVersion.article_id == article.id)
                .order_by(ArticleVersion.version.desc())
            )
        ),
    )


@dataclass
class DiffLine:
    kind: str  # same | removed | added
    text: str


@dataclass
class FieldDiff:
    name: str
    lines: list[DiffLine]
    changed: bool


def _sentence_lines(version: ArticleVersion) -> list[str]:
    out: list[str] = []
    for i, sentences in enumerate(sentences_of(list(version.paragraphs))):
        if i:
            out.append("")  # a paragraph break
        out.extend(sentences)
    return out


def version_diff(old: ArticleVersion, new: ArticleVersion) -> list[FieldDiff]:
    """Field by field, sentence by sentence: what changed from ``old`` to ``new``."""
    fields: list[tuple[str, list[str], list[str]]] = [
        ("Headline", [old.headline], [new.headline]),
        ("Standfirst", [old.standfirst], [new.standfirst]),
        ("Body", _sentence_lines(old), _sentence_lines(new)),
        ("Teaser", [old.teaser], [new.teaser]),
    ]
    out: list[FieldDiff] = []
    for name, a, b in fields:
        lines: list[DiffLine] = []
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                lines += [DiffLine("same", t) for t in a[i1:i2]]
                continue
            lines += [DiffLine("removed", t) for t in a[i1:i2]]
            lines += [DiffLine("added", t) for t in b[j1:j2]]
        out.append(FieldDiff(name, lines, a != b))
    return out


def history_pair(
    session: Session, article_id: int, a: int | None, b: int | None
) -> tuple[ArticleVersion, ArticleVersion] | None:
    versions = {
        v.version: v
        for v in session.scalars(
            select(ArticleVersion).where(ArticleVersion.article_id == article_id)
        )
    }
    if not versions:
        return None
    newest = max(versions)
    b = b if b in versions else newest
    a = a if a in versions else max((v for v in versions if v < b), default=b)
    return versions[a], versions[b]
