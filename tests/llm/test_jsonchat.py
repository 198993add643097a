"""Asking for one JSON object: parsing what models really send, and what is retried."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from retold.llm.breaker import CircuitBreaker
from retold.llm.completion import Completion
from retold.llm.errors import ServerDown, Transient
from retold.llm.jsonchat import MAX_RETRY_AFTER, NotJSON, ask_json, parse_json, retry_delay
from retold.llm.openai_client import OpenAIModel
from retold.llm.settings import LLMSettings
from tests.write.fake_openai import GOOD_ARTICLE, FakeOpenAI, serve


@pytest.mark.parametrize(
    "reply",
    [
        '{"a": 1}',
        '```json\n{"a": 1}\n```',
        'Sure! Here it is:\n```\n{"a": 1}\n```\nAnything else?',
        'The answer is {"a": 1}. Hope that helps.',
    ],
)
def test_parse_json_finds_the_object_in_fences_and_chatter(reply: str) -> None:
    assert parse_json(reply) == {"a": 1}


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("Sure! Everything is fine.", "The reply is not JSON."),
        ('{"a": 1,', "The reply is not JSON."),
        ('{"a": }', "The reply is not valid JSON (Expecting value)."),
        ("[1, 2, 3]", "The reply is JSON but not an object."),
    ],
)
def test_parse_json_says_what_is_wrong(reply: str, message: str) -> None:
    with pytest.raises(NotJSON) as err:
        parse_json(reply)
    assert str(err.value) == message


def test_retry_delay_honours_retry_after_within_a_cap() -> None:
    assert retry_delay(1, Transient("429", retry_after=2.5), 0.5) == 2.5
    assert retry_delay(1, Transient("429", retry_after=3600), 0.5) == MAX_RETRY_AFTER
    assert retry_delay(1, Transient("429", retry_after=-1), 0.5) == 0.0
    for attempt, base in ((1, 0.5), (2, 1.0), (3, 2.0)):
        assert 0.75 * base <= retry_delay(attempt, None, 0.5) <= 1.25 * base  # jittered
    assert retry_delay(20, None, 0.5) == 30.0


def _ask(script: list[str], retries: int = 2) -> tuple[FakeOpenAI, Any, int]:
    """Ask the loopback server through the real client: (server, answer or error, replies)."""
    fake = FakeOpenAI(script)
    replies: list[Completion] = []
    with serve(fake) as url:
        model = OpenAIModel(LLMSettings(backend="openai", base_url=url, model="m", timeout=5))
        ask = ask_json(
            model.complete,
            [{"role": "user", "content": "hi"}],
            {"type": "object"},
            retries=retries,
            backoff=0.01,
            on_reply=replies.append,
        )
        try:
            result: Any = asyncio.run(ask)
        except Exception as exc:  # the test looks at what came out, error or answer
            result = exc
    return fake, result, len(replies)


def test_ask_json_retries_bad_replies_until_one_parses() -> None:
    fake, (data, reply), seen = _ask(["nonjson", "truncated", "500", "ok"], retries=3)
    assert data == GOOD_ARTICLE and reply.tokens_in == 100
    assert len(fake.requests) == 4 and seen == 3  # a transport failure is no reply


def test_ask_json_gives_up_with_the_last_reason() -> None:
    _, err, _ = _ask(["truncated"])
    assert isinstance(err, NotJSON)
    assert str(err) == "The reply was cut off at the token limit. (3 tries)"
    _, err, _ = _ask(["500"])
    assert isinstance(err, Transient) and str(err).endswith("after 3 tries")


def test_ask_json_never_retries_a_refused_key() -> None:
    fake, err, _ = _ask(["401"])
    assert isinstance(err, ServerDown) and len(fake.requests) == 1


def test_the_circuit_breaker_opens_after_consecutive_failures_or_a_trip() -> None:
    breaker = CircuitBreaker(2)
    breaker.failure("HTTP 500")
    breaker.success()
    breaker.failure("HTTP 500")
    assert not breaker.open
    breaker.failure("HTTP 502")
    assert breaker.open and breaker.reason == "HTTP 502"
    breaker.reset()
    breaker.trip("bad key")
    assert breaker.open and breaker.reason == "bad key"
    assert CircuitBreaker(0).threshold == 1
