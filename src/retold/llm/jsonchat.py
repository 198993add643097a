"""Ask a model for one JSON object, retrying what is worth retrying.

Shared by the writer and the checker's llm judge: transient failures are retried with
jittered exponential backoff (Retry-After honoured), as are replies cut off at the
token limit or not JSON.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Awaitable, Callable
from typing import Any

from retold.llm.completion import Completion, Messages
from retold.llm.errors import Transient

MAX_RETRY_AFTER = 60.0

Complete = Callable[[Messages, dict[str, Any]], Awaitable[Completion]]


class NotJSON(ValueError):
    """The reply holds no JSON object."""


def parse_json(text: str) -> dict[str, Any]:
    """The JSON object in a reply, tolerating ```json fences and chatter around it."""
    t = text.strip()
    fence = re.search(r"```(?:json)?\s*(\{.*\})\s*```", t, re.DOTALL)
    if fence:
        t = fence.group(1)
    try:
        data = json.loads(t)
    except json.JSONDecodeError:
        start, end = t.find("{"), t.rfind("}")
        if start < 0 or end <= start:
            raise NotJSON("The reply is not JSON.") from None
        try:
            data = json.loads(t[start : end + 1])
        except json.JSONDecodeError as exc:
            raise NotJSON(f"The reply is not valid JSON ({exc.msg}).") from None
    if not isinstance(data, dict):
        raise NotJSON("The reply is JSON but not an object.")
    return data


def retry_delay(attempt: int, last: Exception | None, backoff: float) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
    if isinstance(last, Transient) and last.retry_after is not None:
        return min(MAX_RETRY_AFTER, max(0.0, last.retry_after))
    base = backoff * (2 ** (attempt - 1))
    return min(30.0, base * (0.75 + random.random() / 2))  # jitter spreads herds


async def ask_json(
    complete: Complete,
    messages: Messages,
    schema: dict[str, Any],
    *,
    retries: int = 3,
    backoff: float = 0.5,
    on_reply: Callable[[Completion], None] | None = None,
) -> tuple[dict[str, Any], Completion]:
    """The parsed JSON object and the reply it came from.

    Raises :class:`Transient` when every try failed in transport, :class:`NotJSON` when
    the model kept answering something that is not a JSON object; ``ServerDown``,
    ``StoryError`` and ``ModelConfigError`` from ``complete`` pass straight through (no
    retry can help).
    """
    attempts = max(0, retries) + 1
    last: Exception | None = None
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(retry_delay(attempt, last, backoff))
        try:
            reply = await complete(messages, schema)
        except Transient as exc:
            last = exc
            continue
        if on_reply is not None:
            on_reply(reply)
        if reply.finish_reason == "length":
            last = NotJSON("The reply was cut off at the token limit.")
            continue
        try:
            return parse_json(reply.text), reply
        except NotJSON as exc:
            last = exc
    if isinstance(last, NotJSON):
        raise NotJSON(f"{last} ({attempts} tries)")
    raise Transient(f"{last} after {attempts} tries")
