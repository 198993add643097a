"""What every model-backed writer shares: prompt, call, validate, repair, fall back.

Talking to the model is :mod:`retold.llm`'s job (the transport, retries with backoff,
Retry-After, JSON parsing, the circuit breaker). What lives here, once, is the writer's
part: the article prompt, one repair round for invalid output, the fallback writer, a
concurrency limit, and token/latency accounting. A backend hands ``ModelWriter`` the
model :func:`open_writer_model` opened for it, or overrides ``complete()`` itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from retold.llm.breaker import CircuitBreaker
from retold.llm.completion import ChatModel, Completion, Messages
from retold.llm.errors import ModelConfigError, ServerDown, StoryError, Transient
from retold.llm.jsonchat import NotJSON, ask_json, parse_json
from retold.llm.resolve import open_model
from retold.llm.settings import LLMSettings
from retold.records import Draft, SourceDoc
from retold.write.backend import WriteBrief, WriterBackend, WriterSettings
from retold.write.errors import WriterConfigError, WriterFailed, WriterUnavailable
from retold.write.prompting import (
    PromptTemplate,
    build_messages,
    load_prompt,
    repair_message,
    take_body_citations,
)
from retold.write.registry import get_writer
from retold.write.retelling import copy_problems, invented_particulars
from retold.write.schema import ArticleOut, json_schema, validate_article

log = logging.getLogger(__name__)


def open_writer_model(settings: WriterSettings) -> ChatModel:
    """The model ``settings.backend`` names; a transport's config error as the writer's."""
    try:
        return open_model(settings)
    except ModelConfigError as exc:
        raise WriterConfigError(str(exc)) from None


def with_model_settings(settings: WriterSettings, model: LLMSettings) -> WriterSettings:
    """``settings`` with the model's own part as the transport resolved it (keys, paths)."""
    return replace(settings, **{f.name: getattr(model, f.name) for f in fields(LLMSettings)})


def _validate(
    data: dict[str, Any], brief: WriteBrief, sources: Sequence[str]
) -> tuple[ArticleOut | None, list[str]]:
    """The article and what is wrong with it: its shape and length, then copying."""
    article, errors = validate_article(data, brief)
    if article is not None and not errors:
        heads = [("headline", article.headline), ("standfirst", article.standfirst)]
        errors = copy_problems(article, sources) + invented_particulars(heads, sources)
    return (None if errors else article), errors


@dataclass
class Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0

    def add(self, c: Completion) -> None:
        self.tokens_in += c.tokens_in
        self.tokens_out += c.tokens_out
        self.calls += 1


class ModelWriter:
    """Base class for writers that ask a language model for JSON."""

    name = "model"

    def __init__(self, settings: WriterSettings, model: ChatModel | None = None) -> None:
        self.model = model
        self.settings = settings if model is None else with_model_settings(settings, model.settings)
        self.prompt: PromptTemplate = load_prompt("article", self.settings.prompts_dir)
        self.breaker = CircuitBreaker(self.settings.circuit_breaker)
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._semaphores = weakref.WeakKeyDictionary()
        self._fallback: WriterBackend | None = None

    # -- for subclasses that bring no model of their own ------------------------------
    @property
    def model_name(self) -> str:
        return self.settings.model

    @property
    def where(self) -> str:
        """Where the model runs, for messages ("http://127.0.0.1:8080/v1")."""
        return self.model_name if self.model is None else self.model.where

    async def complete(self, messages: Messages, schema: dict[str, Any]) -> Completion:
        if self.model is None:  # pragma: no cover - a subclass without a model overrides this
            raise NotImplementedError
        try:
            return await self.model.complete(messages, schema)
        except ModelConfigError as exc:  # e.g. llama.cpp refused the GGUF file on first use
            raise WriterConfigError(str(exc)) from None

    # -- the shared path ------------------------------------------------------------
    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._semaphores.get(loop)
        if sem is None:
            sem = self._semaphores[loop] = asyncio.Semaphore(max(1, self.settings.concurrency))
        return sem

    def _unavailable(self) -> WriterUnavailable:
        n = self.breaker.failures or 1
        stories = "story" if n == 1 else "stories"
        return WriterUnavailable(
            f"The {self.name} writer ({self.where}) is unavailable after {n} failed {stories}"
            f" ({self.breaker.reason}); remaining stories stay pending."
        )

    async def write(self, docs: Sequence[SourceDoc], *, brief: WriteBrief) -> Draft:
        if self.breaker.open:
            raise self._unavailable()
        async with self._semaphore():
            if self.breaker.open:
                raise self._unavailable()
            return await self._write(docs, brief)

    async def _write(self, docs: Sequence[SourceDoc], brief: WriteBrief) -> Draft:
        start = time.perf_counter()
        usage = Usage()
        try:
            draft = await self._compose(docs, brief, usage)
        except ServerDown as exc:
            self.breaker.trip(str(exc))
            raise self._unavailable() from None
        except Transient as exc:
            self.breaker.failure(str(exc))
            if self.breaker.open:
                raise self._unavailable() from None
            return await self._fall_back(docs, brief, f"the model failed: {exc}", usage, start)
        except NotJSON as exc:
            self.breaker.success()
            return await self._fall_back(docs, brief, f"the model's reply: {exc}", usage, start)
        except StoryError as exc:
            self.breaker.success()
            return await self._fall_back(docs, brief, f"the model: {exc}", usage, start)
        self.breaker.success()
        return replace(
            draft,
            backend=self.name,
            model=self.model_name,
            tokens_in=usage.tokens_in,
            tokens_out=usage.tokens_out,
            latency_ms=(time.perf_counter() - start) * 1000,
            imagined=brief.imagine or all(d.excerpt_only for d in docs),
        )

    async def _compose(self, docs: Sequence[SourceDoc], brief: WriteBrief, usage: Usage) -> Draft:
        """The article in one JSON reply, with one repair round (raises StoryError if the
        repair is invalid too)."""
        schema = json_schema(brief)
        prompt = build_messages(self.prompt, docs, brief, self.settings.source_tokens)
        messages = prompt.messages
        sources = [doc.text for doc in docs]
        reply = await self._ask(messages, schema, usage)
        data, cites = take_body_citations(parse_json(reply.text), prompt)
        article, errors = _validate(data, brief, sources)
        if errors:
            log.info("%s: invalid output, asking for a repair: %s", self.name, errors)
            messages = [
                *messages,
                {"role": "assistant", "content": reply.text},
                repair_message(self.prompt, errors),
            ]
            reply = await self._ask(messages, schema, usage)
            data, cites = take_body_citations(parse_json(reply.text), prompt)
            article, errors = _validate(data, brief, sources)
            if errors:
                raise StoryError("its output was invalid twice (" + "; ".join(errors[:3]) + ")")
        assert article is not None
        return Draft(
            headline=article.headline,
            standfirst=article.standfirst,
            paragraphs=[p.strip() for p in article.body],
            teaser=article.teaser,
            topics=article.topics,
            prompt_version=self.prompt.version,
            note="" if usage.calls == 1 else f"Written in {usage.calls} model calls.",
            cites=cites,
        )

    async def _ask_data(self, messages: Messages, schema: dict[str, Any], usage: Usage) -> Any:
        """The parsed JSON object of one answer (see :meth:`_ask`)."""
        return parse_json((await self._ask(messages, schema, usage)).text)

    async def _ask(self, messages: Messages, schema: dict[str, Any], usage: Usage) -> Completion:
        """One answer, retrying transient failures and truncated or non-JSON replies."""
        _, reply = await ask_json(
            self.complete,
            messages,
            schema,
            retries=self.settings.retries,
            backoff=self.settings.backoff,
            on_reply=usage.add,
        )
        return reply

    async def _fall_back(
        self,
        docs: Sequence[SourceDoc],
        brief: WriteBrief,
        reason: str,
        usage: Usage,
        start: float,
    ) -> Draft:
        note = f"The {self.name} writer ({self.model_name or self.where}) gave up: {reason}."
        fallback = self._fallback_writer()
        if fallback is None:
            raise WriterFailed(note)
        draft = await fallback.write(docs, brief=brief)
        return replace(
            draft,
            tokens_in=usage.tokens_in,
            tokens_out=usage.tokens_out,
            latency_ms=(time.perf_counter() - start) * 1000,
            note=(note + " " + draft.note).strip(),
        )

    def _fallback_writer(self) -> WriterBackend | None:
        name = self.settings.fallback.strip()
        if not name or name == self.name:
            return None
        if self._fallback is None:
            self._fallback = get_writer(replace(self.settings, backend=name, fallback=""))
        return self._fallback
