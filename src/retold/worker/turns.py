"""Per-host turns in Redis: politeness that holds across every worker on every machine.

The next allowed start for each host is one Redis key, advanced by a Lua script (atomic
in Redis) that also reads the clock from Redis, so machines' clocks never disagree about
whose turn it is.
"""

from __future__ import annotations

import redis.asyncio as aioredis

RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = start + tonumber(ARGV[1])
local keep = math.ceil((after - now) * 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.6f', after), 'PX', keep)
return string.format('%.6f', start - now)
"""


class RedisTurns:
    """A ``HostTurns`` shared through Redis (see ``retold.ingest.fetch.HostTurns``)."""

    def __init__(self, url: str, prefix: str = "retold:turn:") -> None:
        self.url = url
        self.prefix = prefix
        self._client: aioredis.Redis | None = None

    async def reserve(self, host: str, delay: float) -> float:
        if self._client is None:  # made in the event loop that uses it
            self._client = aioredis.Redis.from_url(self.url)
        wait = await self._client.eval(RESERVE, 1, self.prefix + host.lower(), f"{delay:.6f}")
        return float(wait)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
