"""How well each writer backend retells real news, against the extractive writer run alongside.

    python -m bench writer-quality [--pages 40] [--samples 0|N|-1] [--backends a,b]
                                   [--openai-url URL --openai-model NAME] [--out DIR]

Sources: the first ``--pages`` real pages of ``../shared/data/realweb/`` that are in English
and 150-1,500 words long (their ground-truth text and title, so extraction is not what is
measured here), then the bundled sample stories (all of them by default). Backends:
``extractive`` (the baseline), ``local-1.5b`` (Qwen2.5-Coder-1.5B from ``retold models
install``), ``local-smollm2`` (the packaged SmolLM2-135M) and, with ``--openai-url``, an
OpenAI-compatible server. Each article is checked as the verify stage checks it: the
checker, then the judge a newsroom with that writer uses by default (``checker.judge =
"auto"``: the likelihood judge on the local model for the local writer, none otherwise).

Per backend: the share of body sentences supported, of articles publishable without a
repair round, body words, compression (body words / source words), the longest run of
words copied from a source outside quotes (mean and worst), headline words, teasers in
the AI's voice, names and numbers in the article that the source lacks (per article),
seconds per article for the writer and for the judge. Every article, its checks and its
figures are saved as text under ``test-output/writer-quality/<backend>/`` to be read.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.bench_writer import load_docs  # noqa: E402
from bench.realweb import pages  # noqa: E402
from retold.config import runtime_settings  # noqa: E402
from retold.llm.catalog import QWEN_CODER_1_5B  # noqa: E402
from retold.llm.gguf import default_model_path  # noqa: E402
from retold.llm.install import installed_path  # noqa: E402
from retold.records import Draft, SentenceCheck, SourceDoc  # noqa: E402
from retold.text.copying import longest_copied_run  # noqa: E402
from retold.text.scripts import word_count  # noqa: E402
from retold.verify.checker import check_article  # noqa: E402
from retold.verify.judges import Judge, JudgeSettings, get_judge, judge_checks  # noqa: E402
from retold.verify.particulars import absent_names, absent_numbers  # noqa: E402
from retold.verify.policy import decide  # noqa: E402
from retold.verify.repair import sentences_of  # noqa: E402
from retold.write import WriteBrief, WriterSettings, get_writer  # noqa: E402

OUT = ROOT / "test-output" / "writer-quality"
_ENGLISH = re.compile(r"\b(?:the|and|of|to|in|is|that|for)\b", re.IGNORECASE)


def realweb_docs(limit: int) -> list[SourceDoc]:
    """The first ``limit`` English pages of 150-1,500 words, in id order."""
    out: list[SourceDoc] = []
    for page in pages():
        n = word_count(page.text)
        if len(out) >= limit:
            break
        if not 150 <= n <= 1500 or len(_ENGLISH.findall(page.text)) < 0.08 * n:
            continue
        host = urlsplit(page.url).hostname or ""
        out.append(
            SourceDoc(id=len(out), url=page.url, title=page.title, text=page.text, site_name=host)
        )
    return out


@dataclass
class Figures:
    """One article's measurements."""

    name: str
    sentences: int
    supported: int
    publishable: bool
    body_words: int
    copied_words: int  # standfirst and body words (what a copy takes from the source)
    source_words: int
    copied_run: int
    headline_words: int
    ai_teaser: bool
    new_names: list[str]
    new_numbers: list[str]
    write_s: float
    judge_s: float
    fell_back: bool
    note: str = ""


@dataclass
class Backend:
    name: str
    settings: WriterSettings | None  # None: the extractive writer
    judge: Judge | None = None
    figures: list[Figures] = field(default_factory=list)


def measure(
    name: str,
    doc: SourceDoc,
    draft: Draft,
    checks: Sequence[SentenceCheck],
    seconds: tuple[float, float],
) -> Figures:
    body = "\n\n".join(draft.paragraphs)
    article = "\n\n".join([draft.headline, draft.standfirst, body])
    teaser = draft.teaser.strip()
    return Figures(
        name=name,
        sentences=len(checks),
        supported=sum(c.verdict == "supported" for c in checks),
        publishable=bool(checks) and decide(checks, "repair", 0, 2).action == "publish",
        body_words=word_count(body),
        copied_words=word_count(body) + word_count(draft.standfirst),
        source_words=word_count(doc.text),
        copied_run=max(
            (len(longest_copied_run(t, [doc.text])) for t in [draft.standfirst, *draft.paragraphs]),
            default=0,
        ),
        headline_words=len(draft.headline.split()),
        ai_teaser=teaser.startswith(("An AI ", "I ")) and len(teaser) <= 110,
        new_names=absent_names(article, doc.text + " " + doc.title + " " + doc.site_name),
        new_numbers=absent_numbers(article, doc.text + " " + doc.title),
        write_s=seconds[0],
        judge_s=seconds[1],
        fell_back=draft.backend == "extractive",
        note=draft.note,
    )


def save(
    backend: str, doc: SourceDoc, draft: Draft, checks: Sequence[SentenceCheck], f: Figures
) -> None:
    """The article as a person reads it, then its checks and figures."""
    folder = OUT / backend
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        draft.headline,
        "",
        draft.standfirst,
        "",
        *[p + "\n" for p in draft.paragraphs],
        f"Teaser: {draft.teaser}",
        f"Source: {doc.url} ({f.source_words} words): {doc.title}",
        f"Written by: {draft.backend} {draft.model} {draft.prompt_version}",
        f"Note: {draft.note}" if draft.note else "",
        "",
        "Checks:",
        *[f"  [{c.verdict}] {c.score:.2f} {c.text}  ({c.reason})" for c in checks],
        "",
        f"Figures: supported {f.supported}/{f.sentences}, publishable={f.publishable}, "
        f"{f.body_words} body words, longest copied run {f.copied_run}, "
        f"names absent from the source {f.new_names}, numbers absent {f.new_numbers}, "
        f"write {f.write_s:.1f} s, judge {f.judge_s:.1f} s",
    ]
    (folder / f"{f.name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def run_backend(backend: Backend, docs: Sequence[tuple[str, SourceDoc]]) -> None:
    brief = WriteBrief()
    writer = get_writer(backend.settings or WriterSettings(backend="extractive"))
    for n, (name, doc) in enumerate(docs, 1):
        start = time.perf_counter()
        draft = await writer.write([doc], brief=brief)
        written = time.perf_counter()
        checks = check_article(sentences_of(draft.paragraphs), [doc], cites=draft.cites)
        checked = time.perf_counter()
        checks = judge_checks(backend.judge, checks)
        judged = time.perf_counter()
        f = measure(name, doc, draft, checks, (written - start, judged - checked))
        backend.figures.append(f)
        save(backend.name, doc, draft, checks, f)
        print(
            f"# {backend.name} {n}/{len(docs)} {name}: {f.supported}/{f.sentences} supported, "
            f"{f.write_s:.1f}+{f.judge_s:.1f} s",
            file=sys.stderr,
            flush=True,
        )


def summary(figures: Sequence[Figures]) -> dict[str, float]:
    def mean(values: Sequence[float]) -> float:
        return statistics.fmean(values) if values else 0.0

    sentences = sum(f.sentences for f in figures)
    return {
        "supported": sum(f.supported for f in figures) / max(1, sentences),
        "publishable": mean([float(f.publishable) for f in figures]),
        "fell_back": mean([float(f.fell_back) for f in figures]),
        "words": mean([f.body_words for f in figures]),
        "compression": mean([f.body_words / max(1, f.source_words) for f in figures]),
        "worst_share": max((f.copied_words / max(1, f.source_words) for f in figures), default=0),
        "most_sentences": max((f.sentences for f in figures), default=0),
        "copied_run": mean([f.copied_run for f in figures]),
        "worst_copied_run": max((f.copied_run for f in figures), default=0),
        "headline_words": mean([f.headline_words for f in figures]),
        "ai_teaser": mean([float(f.ai_teaser) for f in figures]),
        "new_names": mean([len(f.new_names) for f in figures]),
        "new_numbers": mean([len(f.new_numbers) for f in figures]),
        "write_s": mean([f.write_s for f in figures]),
        "judge_s": mean([f.judge_s for f in figures]),
    }


def report(backend: str, ours: dict[str, float], base: dict[str, float], n: int) -> None:
    ratio = ours["supported"] / base["supported"] if base["supported"] else float("nan")
    print(
        f"bench writer-quality-{backend}: ratio={ratio:.3f} (supported={ours['supported']:.3f}, "
        f"baseline extractive={base['supported']:.3f}) articles={n} "
        f"publishable={ours['publishable']:.2f} fell-back={ours['fell_back']:.2f} "
        f"words={ours['words']:.0f} compression={ours['compression']:.2f} "
        f"(largest share {ours['worst_share']:.2f}) most-sentences={ours['most_sentences']:.0f} "
        f"copied-run={ours['copied_run']:.1f} (worst {ours['worst_copied_run']:.0f}) "
        f"headline-words={ours['headline_words']:.1f} ai-teaser={ours['ai_teaser']:.2f} "
        f"names-absent={ours['new_names']:.2f} numbers-absent={ours['new_numbers']:.2f} "
        f"s/article={ours['write_s']:.1f} (judge {ours['judge_s']:.1f}; "
        f"baseline {base['write_s']:.3f})",
        flush=True,
    )


def backends(wanted: Sequence[str], args: argparse.Namespace) -> list[Backend]:
    out = [Backend("extractive", None)]
    qwen = installed_path(QWEN_CODER_1_5B, runtime_settings().cache_dir)
    smol = default_model_path()
    for name, path in (("local-1.5b", qwen), ("local-smollm2", smol)):
        if wanted and name not in wanted:
            continue
        if not path:
            print(f"# {name}: skipped (not installed)", file=sys.stderr)
            continue
        settings = WriterSettings(backend="local", model_path=str(path), fallback="extractive")
        judge = get_judge("likelihood", JudgeSettings(likelihood_model_path=str(path)))
        out.append(Backend(name, settings, judge))
    if args.openai_url and (not wanted or "openai" in wanted):
        settings = WriterSettings(
            backend="openai", base_url=args.openai_url, model=args.openai_model
        )
        out.append(Backend("openai", settings))
    return out


def _slug(url: str) -> str:
    last = url.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9-]+", "-", last)[:40].strip("-") or "page"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=40, help="real-web pages")
    parser.add_argument("--samples", type=int, default=-1, help="sample stories (-1: all)")
    parser.add_argument("--backends", default="", help="comma-separated (default: every one)")
    parser.add_argument("--openai-url", default="", help="an OpenAI-compatible server's /v1")
    parser.add_argument("--openai-model", default="", help="its model name")
    args = parser.parse_args(argv)
    docs = [(f"realweb-{d.id:02d}-{_slug(d.url)}", d) for d in realweb_docs(args.pages)]
    samples = load_docs()
    if args.samples >= 0:
        samples = samples[: args.samples]
    docs += [(f"sample-{d.url.rsplit('/', 1)[-1]}", d) for d in samples]
    wanted = [b for b in args.backends.split(",") if b]
    chosen = backends(wanted, args)
    for backend in chosen:
        asyncio.run(run_backend(backend, docs))
    base = summary(chosen[0].figures)
    for backend in chosen:
        report(backend.name, summary(backend.figures), base, len(backend.figures))
    print(f"# articles saved under {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
