"""The support score: a logistic regression over :data:`features.FEATURES`, then the rules.

The weights live in ``weights.json`` beside this file, written by
``training/fit_checker.py`` from the development data (few parameters, grouped
cross-validation); the defaults below are only a fallback.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from retold.verify.copied import COPIED_REASON
from retold.verify.features import FEATURES, Signals

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class Weights:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # scores at or above it are "supported"


_FALLBACK = Weights(
    mean=(0.7, 0.9, 0.95, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.6),
    scale=(0.1, 0.1, 0.05, 0.2, 0.2, 0.2, 0.4, 0.4, 0.5, 0.1),
    coef=(1.5, 0.8, 0.5, -0.8, -0.5, -0.5, -0.6, -0.6, -0.3, 0.4),
    intercept=0.0,
    threshold=0.5,
)


@functools.cache
def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    if not path.is_file():
        return _FALLBACK
    data = json.loads(path.read_text())
    if list(data["features"]) != list(FEATURES):
        return _FALLBACK  # stale file from an older feature set
    return Weights(
        tuple(data["mean"]),
        tuple(data["scale"]),
        tuple(data["coef"]),
        float(data["intercept"]),
        float(data["threshold"]),
    )


def raw_score(values: list[float], weights: Weights) -> float:
    z = weights.intercept + sum(
        c * (v - m) / s
        for v, m, s, c in zip(values, weights.mean, weights.scale, weights.coef, strict=True)
    )
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Judgement:
    verdict: str
    score: float
    reason: str


def judge(signals: Signals, weights: Weights | None = None) -> Judgement:
    """Score and verdict: a hard conflict (quote, number, name) overrides any similarity,
    and a copy of the source overrides both (the rules can only be wrong about it)."""
    if signals.copied:
        return Judgement("supported", 1.0, COPIED_REASON)
    weights = weights or load_weights()
    score = raw_score(signals.vector(), weights)
    contradicted = [p for p in signals.problems if p.verdict == "contradicted"]
    unsupported = [p for p in signals.problems if p.verdict == "unsupported"]
    if contradicted:
        reasons = "; ".join(p.reason for p in contradicted + unsupported)
        return Judgement("contradicted", score * 0.2, reasons)
    if unsupported:
        reasons = "; ".join(p.reason for p in unsupported)
        return Judgement("unsupported", min(score * 0.6, weights.threshold * 0.95), reasons)
    if score < weights.threshold:
        return Judgement("unsupported", score, "no passage in the source says this")
    return Judgement("supported", score, "")
