"""robots.txt, as RFC 9309 says and as the big crawlers read it.

The standard library's ``urllib.robotparser`` takes the first matching rule and
knows no wildcards; RFC 9309 wants the longest match (Allow wins a tie) and
``*`` / ``$`` patterns, so this is a small parser of our own. Fetching lives in
the fetcher; :class:`RobotsCache` only needs a function that returns a status
and a body.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

ROBOTS_MAX_BYTES = 512_000  # RFC 9309: parse at least the first 500 KiB
_OK_SECONDS = 24 * 3600.0  # RFC 9309: don't use a cached copy for more than a day
_FAILED_SECONDS = 600.0  # an unreachable robots.txt is retried after ten minutes


@dataclass(frozen=True)
class Rule:
    allow: bool
    path: str  # percent-encoded pattern, may hold * and a final $

    def length(self) -> int:
        return len(self.path)

    def matches(self, target: str) -> bool:
        return _compile(self.path).match(target) is not None


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one robots.txt that apply to one user agent."""

    rules: tuple[Rule, ...] = ()
    crawl_delay: float | None = None
    disallow_all: bool = False  # robots.txt unreachable: RFC 9309 says assume "no"
    note: str = ""  # why, when the rules were not read from a file

    def allows(self, url_or_path: str) -> bool:
        if self.disallow_all:
            return False
        target = _target(url_or_path)
        if target == "/robots.txt":
            return True
        best: Rule | None = None
        for rule in self.rules:
            if rule.matches(target) and (
                best is None
                or rule.length() > best.length()
                or (rule.length() == best.length() and rule.allow and not best.allow)
            ):
                best = rule
        return best is None or best.allow


ALLOW_ALL = RobotsRules()


def product_token(user_agent: str) -> str:
    """``"Retold/0.1 (+https://...)"`` → ``"retold"``: what robots.txt groups name."""
    token = re.match(r"[A-Za-z_\-]+", user_agent.strip())
    return token.group(0).lower() if token else "*"


def parse_robots(text: str, user_agent: str) -> RobotsRules:
    """The rules for ``user_agent`` (by product token) in a robots.txt, else the ``*`` group."""
    token = product_token(user_agent)
    groups: dict[str, tuple[list[Rule], list[float]]] = {}
    current: list[str] = []
    in_rules = False  # a user-agent line after rules starts a new group
    for raw_line in text.splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key in ("user-agent", "useragent"):
            if in_rules:
                current, in_rules = [], False
            agent = value.lower()
            current.append(agent)
            groups.setdefault(agent, ([], []))
        elif key in ("allow", "disallow") and current:
            in_rules = True
            if key == "disallow" and not value:
                continue  # "Disallow:" with nothing means allow all
            for agent in current:
                groups[agent][0].append(Rule(key == "allow", _normalise(value)))
        elif key == "crawl-delay" and current:
            in_rules = True
            try:
                delay = float(value)
            except ValueError:
                continue
            for agent in current:
                groups[agent][1].append(delay)
    chosen = groups.get(token) or groups.get("*")
    if chosen is None:
        return ALLOW_ALL
    rules, delays = chosen
    return RobotsRules(tuple(rules), max(delays) if delays else None)


def _normalise(path: str) -> str:
    """Percent-encode a path the way URLs on the wire are, keeping robots wildcards."""
    return quote(unquote(path), safe="/*$?=&;:@!'(),~+-._%")


def _target(url_or_path: str) -> str:
    parts = urlsplit(url_or_path)
    path = parts.path or "/"
    target = f"{path}?{parts.query}" if parts.query else path
    return _normalise(target)


_compiled: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    found = _compiled.get(pattern)
    if found is None:
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        regex = ".*".join(re.escape(piece) for piece in body.split("*"))
        found = re.compile(regex + ("$" if anchored else ""))
        _compiled[pattern] = found
    return found


#: ``get(url) -> (status, body)``; raises on network failure.
RobotsGetter = Callable[[str], Awaitable[tuple[int, bytes]]]


@dataclass
class RobotsCache:
    """robots.txt per origin, fetched once even when many fetches ask at the same time."""

    user_agent: str
    get: RobotsGetter
    _entries: dict[str, tuple[float, RobotsRules]] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def rules_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        entry = self._entries.get(origin)
        if entry and entry[0] > time.monotonic():
            return entry[1]
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry and entry[0] > time.monotonic():
                return entry[1]
            rules, ttl = await self._load(origin)
            self._entries[origin] = (time.monotonic() + ttl, rules)
            return rules

    async def _load(self, origin: str) -> tuple[RobotsRules, float]:
        url = origin + "/robots.txt"
        try:
            status, body = await self.get(url)
        except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
            note = str(exc).rstrip(".") or exc.__class__.__name__
            return RobotsRules(disallow_all=True, note=note), _FAILED_SECONDS
        if 200 <= status < 300:
            text = body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
            return parse_robots(text, self.user_agent), _OK_SECONDS
        if 400 <= status < 500 and status != 429:  # no robots.txt for us: no restrictions
            return ALLOW_ALL, _OK_SECONDS
        note = f"it answered {status}"
        return RobotsRules(disallow_all=True, note=note), _FAILED_SECONDS
