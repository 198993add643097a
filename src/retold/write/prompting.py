"""Versioned prompt templates and the messages built from them.

Templates are files named ``<name>-v<N>.txt`` with ``=== system ===``,
``=== user ===`` and ``=== repair ===`` sections and ``$placeholders``
(string.Template, so JSON braces need no escaping). The newest version wins;
a newsroom overrides one by putting a file of the same name pattern in its
``prompts/`` folder, and the prompt version then carries a hash of its text so
cached drafts from the old wording are not reused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from retold.records import SourceDoc
from retold.text.paragraphs import split_blocks, unwrapped_sentences
from retold.text.sentences import match_key, sentence_spans
from retold.write.backend import WriteBrief
from retold.write.errors import WriterConfigError
from retold.write.topics import TOPICS

_SECTION = re.compile(r"^=== (system|user|repair) ===\s*$", re.MULTILINE)
_VERSIONED = re.compile(r"^(?P<name>[a-z_]+)-v(?P<v>\d+)\.txt$")
CHARS_PER_TOKEN = 4  # a rough, model-independent estimate for budgeting


@dataclass(frozen=True)
class PromptTemplate:
    version: str  # e.g. "article-v1", or "article-v1+1a2b3c4d" when overridden
    system: str
    user: str
    repair: str


def _versions(files: Sequence[tuple[str, str]], name: str) -> list[tuple[int, str, str]]:
    out = []
    for filename, text in files:
        m = _VERSIONED.match(filename)
        if m and m.group("name") == name:
            out.append((int(m.group("v")), filename, text))
    return sorted(out)


def _builtin_files() -> list[tuple[str, str]]:
    folder = resources.files("retold.write").joinpath("prompts")
    return [(p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.is_file()]


def load_prompt(name: str = "article", prompts_dir: str = "") -> PromptTemplate:
    """The newest template called ``name``, from ``prompts_dir`` first, else built in."""
    if prompts_dir:
        folder = Path(prompts_dir)
        if not folder.is_dir():
            raise WriterConfigError(f"The prompts folder {prompts_dir} does not exist.")
        own = _versions(
            [(p.name, p.read_text(encoding="utf-8")) for p in folder.glob("*.txt")], name
        )
        if own:
            _, filename, text = own[-1]
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
            return _parse(text, f"{filename.removesuffix('.txt')}+{digest}", filename)
    found = _versions(_builtin_files(), name)
    if not found:
        raise WriterConfigError(f"No prompt template called '{name}' is installed.")
    _, filename, text = found[-1]
    return _parse(text, filename.removesuffix(".txt"), filename)


# Every template a writer may use: a draft cached under one wording is not reused after
# any of them changes.
TEMPLATES = ("article", "sentence", "heads")


def prompt_versions(prompts_dir: str = "", names: Sequence[str] = TEMPLATES) -> str:
    """The versions of the templates ``names``, joined ("sentence-v1+heads-v1")."""
    return "+".join(load_prompt(name, prompts_dir).version for name in names)


def _parse(text: str, version: str, filename: str) -> PromptTemplate:
    parts = _SECTION.split(text)
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    missing = {"system", "user"} - sections.keys()
    if missing:
        raise WriterConfigError(
            f"The prompt {filename} lacks a '=== {sorted(missing)[0]} ===' section."
        )
    repair = sections.get(
        "repair", "Your reply did not meet the requirements:\n$errors\nReply again."
    )
    return PromptTemplate(version, sections["system"], sections["user"], repair)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _neutralise(text: str) -> str:
    # A source must not be able to close its own <source> element.
    return re.sub(r"<\s*/?\s*source\b", lambda m: m.group(0).replace("<", "‹"), text, flags=re.I)


def trim_to_tokens(text: str, tokens: int) -> str:
    """Leading paragraphs of ``text`` within a token budget (news puts the point first)."""
    limit = max(0, tokens) * CHARS_PER_TOKEN
    if len(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for para in re.split(r"\n\s*\n", text):
        if used + len(para) > limit:
            if not kept:  # one huge paragraph: cut at a sentence end
                cut = para.rfind(". ", 0, limit)
                kept.append(para[: cut + 1] if cut > 0 else para[:limit])
            break
        kept.append(para)
        used += len(para) + 2
    return "\n\n".join(kept)


def render_sources(
    docs: Sequence[SourceDoc], token_budget: int, numbered: list[str] | None = None
) -> str:
    """Every document in its own <source> element, most informative first, within budget.

    Given a ``numbered`` list, every sentence is written after its number ("[4] ...",
    counting on across sources) and appended to the list, so that a model can cite the
    sentences it rests each of its own on (see :func:`take_citations`).
    """
    ranked = sorted(docs, key=lambda d: (d.excerpt_only, -len(d.text)))
    remaining = token_budget
    blocks = []
    for k, doc in enumerate(ranked):
        share = remaining // (len(ranked) - k)
        body = trim_to_tokens(_neutralise(doc.text.strip()), share)
        remaining -= len(body) // CHARS_PER_TOKEN
        if numbered is not None:
            body = _number_sentences(body, numbered)
        attrs = f'id={k + 1} outlet="{_attr(doc.site_name)}" title="{_attr(doc.title)}"'
        if doc.url:
            attrs += f' url="{_attr(doc.url)}"'
        if doc.excerpt_only:
            attrs += ' excerpt="yes"'
        blocks.append(f"<source {attrs}>\n{body}\n</source>")
    return "\n\n".join(blocks)


def _number_sentences(text: str, numbered: list[str]) -> str:
    paragraphs = []
    for para in split_blocks(text):
        marked = []
        for sentence in unwrapped_sentences(para):
            numbered.append(sentence)
            marked.append(f"[{len(numbered)}] {sentence}")
        paragraphs.append(" ".join(marked))
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class ArticleMessages:
    """The messages for one article, and the source sentences by number (1 first) as the
    prompt numbered them for citing."""

    messages: list[dict[str, str]]
    sentences: list[str]

    def cited(self, numbers: Sequence[int]) -> list[str]:
        """The source sentences ``numbers`` name; numbers out of range are ignored."""
        return [self.sentences[n - 1] for n in numbers if 0 < n <= len(self.sentences)]


def build_messages(
    prompt: PromptTemplate, docs: Sequence[SourceDoc], brief: WriteBrief, source_tokens: int
) -> ArticleMessages:
    """System and user messages for one article.

    A template shows the sources as ``$sources`` (plain) or ``$numbered_sources`` (each
    sentence after its number, for templates that ask the model to cite them).
    """
    sentences: list[str] = []
    template = prompt.system + prompt.user
    numbered = render_sources(docs, source_tokens, sentences) if "$numbered_" in template else ""
    values = {
        "persona": brief.persona or "an AI news writer",
        "site_title": brief.site_title or "a news site",
        "language": brief.language,
        "min_words": str(brief.min_words),
        "max_words": str(brief.max_words),
        "min_paragraphs": str(brief.min_paragraphs),
        "max_paragraphs": str(brief.max_paragraphs),
        "topics": ", ".join(sorted(TOPICS)),
        "house_style": brief.house_style,
        "source_count": str(len(docs)),
        "sources": render_sources(docs, source_tokens) if "$sources" in template else "",
        "numbered_sources": numbered,
    }
    messages = [
        {"role": "system", "content": Template(prompt.system).safe_substitute(values)},
        {"role": "user", "content": Template(prompt.user).safe_substitute(values)},
    ]
    return ArticleMessages(messages, sentences)


# "[4]", "[2, 5]", "[2][5]", "[2-4]": the source sentence numbers a model writes after a
# sentence of its own. Only digits: a bracketed word ("[the mayor]") is the article's.
_CITATION = re.compile(r"\s*\[\s*(\d{1,4}(?:\s*[,;\u2013-]\s*\d{1,4})*)\s*\]")
_CLOSERS = tuple(".,;:!?\u201d\"')")


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        ends = [int(n) for n in re.split(r"\s*[\u2013-]\s*", part) if n]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= 10:
            out.extend(range(ends[0], ends[1] + 1))
        else:
            out.extend(ends)
    return list(dict.fromkeys(out))


def _join(text: str, piece: str) -> str:
    piece = piece.strip()
    if not text or not piece:
        return text or piece
    return text + ("" if piece.startswith(_CLOSERS) else " ") + piece


def take_citations(paragraph: str) -> tuple[str, list[tuple[str, list[int]]]]:
    """``paragraph`` without its citation numbers, and each of its sentences with the
    numbers written inside it or right after it (before the next sentence begins)."""
    clean = ""
    marks: list[tuple[int, list[int]]] = []
    last = 0
    for m in _CITATION.finditer(paragraph):
        clean = _join(clean, paragraph[last : m.start()])
        marks.append((len(clean), _numbers(m.group(1))))
        last = m.end()
    clean = _join(clean, paragraph[last:])
    cited = []
    for span in sentence_spans(clean):
        numbers = [n for pos, found in marks if span.start < pos <= span.end for n in found]
        cited.append((span.text, list(dict.fromkeys(numbers))))
    return clean, cited


def take_body_citations(
    data: dict[str, Any], prompt: ArticleMessages
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The reply with the source sentence numbers taken out of its body, and what they
    cite: each body sentence (by its match key) -> the source sentences it rests on."""
    body = data.get("body")
    if not isinstance(body, list):
        return data, {}
    cites: dict[str, list[str]] = {}
    clean = []
    for paragraph in body:
        if not isinstance(paragraph, str):
            return data, {}  # the validator names what is wrong with it
        text, cited = take_citations(paragraph)
        clean.append(text)
        for sentence, numbers in cited:
            if prompt.cited(numbers):
                cites[match_key(sentence)] = prompt.cited(numbers)
    return {**data, "body": clean}, cites


def repair_message(prompt: PromptTemplate, errors: Sequence[str]) -> dict[str, str]:
    listed = "\n".join(f"- {e}" for e in errors)
    return {"role": "user", "content": Template(prompt.repair).safe_substitute(errors=listed)}
