"""A circuit breaker, so a dead model server is not hammered story after story."""

from __future__ import annotations


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
