"""What every model-backed writer shares: prompt, call, validate, repair, fall back.

A backend subclasses ModelWriter and implements ``complete()`` for its
transport (an OpenAI-compatible server, llama.cpp in-process). Everything
else lives here once: retries with backoff (Retry-After honoured), one repair
round for invalid output, the fallback writer, a circuit breaker that stops
hammering a dead server, a concurrency limit, and token/latency accounting.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from retold.models import Draft, SourceDoc
from retold.write.backend import WriteBrief, WriterBackend, WriterSettings
from retold.write.errors import WriterFailed, WriterUnavailable
from retold.write.prompting import PromptTemplate, build_messages, load_prompt, repair_message
from retold.write.schema import NotJSON, json_schema, parse_json, validate_article

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completion:
    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    finish_reason: str = "stop"


class Transient(Exception):
    """Worth retrying: timeout, 429, 5xx, refused connection, truncated output."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class ServerDown(Exception):
    """No story will succeed (bad key, unknown model): stop at once."""


class StoryError(Exception):
    """This story cannot be written by the model (e.g. too long for its context)."""


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failed stories; stays open until reset()."""

    def __init__(self, threshold: int) -> None:
        self.threshold = max(1, threshold)
        self.failures = 0
        self.reason = ""
        self.forced = False

    @property
    def open(self) -> bool:
        return self.forced or self.failures >= self.threshold

    def success(self) -> None:
        self.failures = 0

    def failure(self, reason: str) -> None:
        self.failures += 1
        self.reason = reason

    def trip(self, reason: str) -> None:
        self.forced = True
        self.reason = reason

    def reset(self) -> None:
        self.failures, self.reason, self.forced = 0, "", False


@dataclass
class _Usage:
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

    def __init__(self, settings: WriterSettings) -> None:
        self.settings = settings
        self.prompt: PromptTemplate = load_prompt("article", settings.prompts_dir)
        self.breaker = CircuitBreaker(settings.circuit_breaker)
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._semaphores = weakref.WeakKeyDictionary()
        self._fallback: WriterBackend | None = None

    # -- for subclasses -------------------------------------------------------------
    @property
    def model_name(self) -> str:
        return self.settings.model

    @property
    def where(self) -> str:
        """Where the model runs, for messages ("http://127.0.0.1:8080/v1")."""
        return self.model_name

    async def complete(
        self, messages: list[dict[str, str]], schema: dict[str, Any]
    ) -> Completion:  # pragma: no cover - abstract
        raise NotImplementedError

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
        usage = _Usage()
        schema = json_schema(brief)
        messages = build_messages(self.prompt, docs, brief, self.settings.source_tokens)
        try:
            reply = await self._ask(messages, schema, usage)
            data = parse_json(reply.text)
            article, errors = validate_article(data, brief)
            if errors:
                log.info("%s: invalid output, asking for a repair: %s", self.name, errors)
                messages = [
                    *messages,
                    {"role": "assistant", "content": reply.text},
                    repair_message(self.prompt, errors),
                ]
                reply = await self._ask(messages, schema, usage)
                article, errors = validate_article(parse_json(reply.text), brief)
                if errors:
                    raise StoryError("its output was invalid twice (" + "; ".join(errors[:3]) + ")")
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
        assert article is not None
        return Draft(
            headline=article.headline,
            standfirst=article.standfirst,
            paragraphs=[p.strip() for p in article.body],
            teaser=article.teaser,
            topics=article.topics,
            backend=self.name,
            model=self.model_name,
            prompt_version=self.prompt.version,
            tokens_in=usage.tokens_in,
            tokens_out=usage.tokens_out,
            latency_ms=(time.perf_counter() - start) * 1000,
            imagined=brief.imagine or all(d.excerpt_only for d in docs),
            note="" if usage.calls == 1 else f"Written in {usage.calls} model calls.",
        )

    async def _ask(
        self, messages: list[dict[str, str]], schema: dict[str, Any], usage: _Usage
    ) -> Completion:
        """One answer, retrying transient failures and truncated or non-JSON replies."""
        from retold.write.jsonchat import ask_json  # jsonchat builds on this module

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
        usage: _Usage,
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
            from retold.write.registry import get_writer  # the registry imports plugins

            self._fallback = get_writer(replace(self.settings, backend=name, fallback=""))
        return self._fallback
