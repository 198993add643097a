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

from retold.records import SourceDoc
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


def render_sources(docs: Sequence[SourceDoc], token_budget: int) -> str:
    """Every document in its own <source> element, most informative first, within budget."""
    ranked = sorted(docs, key=lambda d: (d.excerpt_only, -len(d.text)))
    remaining = token_budget
    blocks = []
    for k, doc in enumerate(ranked):
        share = remaining // (len(ranked) - k)
        body = trim_to_tokens(_neutralise(doc.text.strip()), share)
        remaining -= len(body) // CHARS_PER_TOKEN
        attrs = f'id={k + 1} outlet="{_attr(doc.site_name)}" title="{_attr(doc.title)}"'
        if doc.url:
            attrs += f' url="{_attr(doc.url)}"'
        if doc.excerpt_only:
            attrs += ' excerpt="yes"'
        blocks.append(f"<source {attrs}>\n{body}\n</source>")
    return "\n\n".join(blocks)


def build_messages(
    prompt: PromptTemplate, docs: Sequence[SourceDoc], brief: WriteBrief, source_tokens: int
) -> list[dict[str, str]]:
    """System and user messages for one article."""
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
        "sources": render_sources(docs, source_tokens),
    }
    return [
        {"role": "system", "content": Template(prompt.system).safe_substitute(values)},
        {"role": "user", "content": Template(prompt.user).safe_substitute(values)},
    ]


def repair_message(prompt: PromptTemplate, errors: Sequence[str]) -> dict[str, str]:
    listed = "\n".join(f"- {e}" for e in errors)
    return {"role": "user", "content": Template(prompt.repair).safe_substitute(errors=listed)}
