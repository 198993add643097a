"""Any OpenAI-compatible chat endpoint, over HTTP.

OpenAI, vLLM, Ollama, LM Studio and llama.cpp's server all speak the chat
completions API but differ in structured output: OpenAI and vLLM take
``response_format={"type": "json_schema", ...}``, llama-cpp-python's server
rejects that and honours ``{"type": "json_object", "schema": ...}``, others
only know plain JSON mode or nothing. We try them in that order and remember,
per server and model, the first one that works.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import time
import weakref
from dataclasses import replace
from typing import Any

import openai

from retold.llm.completion import Completion, Messages
from retold.llm.errors import ModelConfigError, ServerDown, StoryError, Transient
from retold.llm.settings import LLMSettings

NAME = "openai"
ALIASES = ("openai-compatible",)
MODES = ("json_schema", "json_object_schema", "json_object", "prompt_only")

# (base_url, model) -> index into MODES that the server accepted.
_accepted_mode: dict[tuple[str, str], int] = {}


def _response_format(mode: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "article", "schema": schema, "strict": False},
        }
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": schema}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def _format_rejected(exc: openai.APIStatusError) -> bool:
    """Did the server refuse our response_format (rather than fail)?"""
    if exc.status_code not in (400, 422, 500, 501):
        return False
    text = str(exc).lower()
    with contextlib.suppress(Exception):  # a streamed or closed body: the message is enough
        text += " " + exc.response.text.lower()
    return any(
        hint in text
        for hint in ("response_format", "json_schema", "json_object", "input should be", "schema")
    )


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds to wait from a Retry-After (or retry-after-ms) header, if any."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def resolve(settings: LLMSettings) -> LLMSettings:
    """``settings`` with the endpoint, key and model filled in, or ModelConfigError."""
    # The settings come from [writer] in retold.toml, where config.py has already put
    # OPENAI_BASE_URL, OPENAI_API_KEY and RETOLD_MODEL; so the messages name those too.
    base_url, api_key, model = settings.base_url, settings.api_key, settings.model
    if not base_url and not api_key:
        raise ModelConfigError(
            "The openai writer needs an API key (OPENAI_API_KEY) or a base_url "
            "for a local OpenAI-compatible server."
        )
    if not model:
        if not base_url:
            raise ModelConfigError(
                "The openai writer needs a model name (writer.model or RETOLD_MODEL)."
            )
        model = "default"  # single-model local servers ignore the name
    return replace(settings, base_url=base_url, api_key=api_key, model=model)


class OpenAIModel:
    """Chat completions from an OpenAI-compatible server, errors sorted for retrying."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = resolve(settings)
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, openai.AsyncOpenAI]
        self._clients = weakref.WeakKeyDictionary()

    @property
    def where(self) -> str:
        return self.settings.base_url or "api.openai.com"

    def _client(self) -> openai.AsyncOpenAI:
        # httpx clients belong to one event loop; keep one per loop.
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = openai.AsyncOpenAI(
                api_key=self.settings.api_key or "sk-no-key-needed",
                base_url=self.settings.base_url or None,
                timeout=self.settings.timeout,
                max_retries=0,  # we retry ourselves, with the circuit breaker in the loop
            )
            self._clients[loop] = client
        return client

    async def complete(self, messages: Messages, schema: dict[str, Any]) -> Completion:
        key = (self.settings.base_url, self.settings.model)
        mode_index = _accepted_mode.get(key, 0)
        while True:
            mode = MODES[mode_index]
            try:
                reply = await self._call(messages, _response_format(mode, schema))
            except openai.APIStatusError as exc:
                if mode_index + 1 < len(MODES) and _format_rejected(exc):
                    mode_index += 1
                    continue
                raise self._translate(exc) from None
            except openai.APITimeoutError:
                raise Transient(f"timed out after {self.settings.timeout:g} s") from None
            except openai.APIConnectionError as exc:
                raise Transient(
                    f"could not connect to {self.where} ({exc.__cause__ or exc})"
                ) from None
            _accepted_mode[key] = mode_index
            return reply

    async def _call(self, messages: Messages, response_format: dict[str, Any] | None) -> Completion:
        extra: dict[str, Any] = {}
        if response_format is not None:
            extra["response_format"] = response_format
        resp = await self._client().chat.completions.create(
            model=self.settings.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=self.settings.temperature,
            max_tokens=self.settings.max_tokens,
            **extra,
        )
        if not isinstance(resp, openai.types.chat.ChatCompletion):
            # The client hands back a body that isn't JSON as a plain string: a server fault.
            raise Transient(f"the server's reply is not JSON ({str(resp)[:60]!r})")
        if not resp.choices:
            raise Transient("the server returned no choices")
        choice = resp.choices[0]
        usage = resp.usage
        return Completion(
            text=choice.message.content or "",
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason or "stop",
        )

    def _translate(self, exc: openai.APIStatusError) -> Exception:
        status = exc.status_code
        if status == 429:
            return Transient("rate limited (HTTP 429)", retry_after_seconds(exc.response.headers))
        if status >= 500 or status in (408, 409):
            return Transient(f"HTTP {status} from {self.where}")
        if status in (401, 403):
            return ServerDown(f"{self.where} refused the API key (HTTP {status})")
        if status == 404:
            return ServerDown(f"{self.where} has no model '{self.settings.model}' (HTTP 404)")
        return StoryError(f"HTTP {status}: {exc.message}")
