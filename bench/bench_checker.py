"""Development-set figures for the sentence checker, with baselines run in the same process.

    .venv/bin/python bench/bench_checker.py [--limit N]

Per file in the faithfulness development data: ROC-AUC of the summary score (the minimum
over its sentences, since labels are per summary) and balanced accuracy of ``supported``,
against two baselines: embedding similarity alone (min over sentences of the best cosine
to a source sentence) and word overlap (share of the text's words found in the source).
Then throughput: article sentences per second through the full checker versus
embedding-only scoring, with source embeddings cached as in production.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
from fit_checker import auc, balanced_accuracy  # noqa: E402

from retold.verify.batch import check_jsonl  # noqa: E402
from retold.verify.checker import Checker, split_article  # noqa: E402
from retold.verify.textutil import words  # noqa: E402

DATA = Path("/work/shared/data/faithfulness")


def embedding_only(checker: Checker, rows: list[dict]) -> np.ndarray:  # type: ignore[type-arg]
    """Baseline: min over the text's sentences of the best cosine to any source passage."""
    docs = [(r["source"], "") for r in rows]
    indexes = checker.cache.get_many(docs, checker.encoder)
    sentences = [split_article(r["text"]) for r in rows]
    flat = [s for paras in sentences for p in paras for s in p]
    vectors = checker.encoder.encode(flat)
    out, i = [], 0
    for paras, index in zip(sentences, indexes, strict=True):
        n = sum(len(p) for p in paras)
        sims = (vectors[i : i + n] @ index.vectors.T).max(axis=1) if n else np.zeros(1)
        out.append(float(sims.min()))
        i += n
    return np.array(out)


def word_overlap(rows: list[dict]) -> np.ndarray:  # type: ignore[type-arg]
    scores = []
    for r in rows:
        text, source = words(r["text"]), set(words(r["source"]))
        scores.append(sum(w in source for w in text) / max(len(text), 1))
    return np.array(scores)


def cross_encoder_only(checker: Checker, rows: list[dict]) -> tuple[np.ndarray, int, float]:  # type: ignore[type-arg]
    """The shipped cross-encoder alone (verify/nli.py): min over sentences of P(supported)
    for the checker's best passage. Returns the scores, the pairs scored and the seconds."""
    from retold.verify.nli import default_cross_encoder

    articles = [(split_article(r["text"]) or [[r["text"]]], [(r["source"], "")]) for r in rows]
    analysed = checker.analyse_many(articles)
    pairs = [(ev, text) for sents in analysed for _, text, s, ev, _ in sents if s is not None]
    model = default_cross_encoder()
    start = time.perf_counter()
    probs = iter(model.entailment_prob(pairs))
    seconds = time.perf_counter() - start
    scores = [
        min((float(next(probs)) for s in sents if s[2] is not None), default=0.0)
        for sents in analysed
    ]
    return np.array(scores), len(pairs), seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="rows per file (0: all)")
    parser.add_argument("--nli", action="store_true", help="also score the cross-encoder alone")
    args = parser.parse_args()
    nli_pairs, nli_time = 0, 0.0
    checker = Checker()
    total_sentences, total_time, base_time = 0, 0.0, 0.0
    for path in sorted(DATA.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.open()]
        if args.limit:
            rows = rows[: args.limit]
        labels = np.array([r["label"] for r in rows])
        # warm the source cache (production embeds each source once, at ingest)
        checker.cache.get_many([(r["source"], "") for r in rows], checker.encoder)
        out = io.StringIO()
        start = time.perf_counter()
        check_jsonl(
            io.StringIO("".join(json.dumps(r) + "\n" for r in rows)),
            out,
            io.StringIO(),
            checker=checker,
        )
        total_time += time.perf_counter() - start
        results = [json.loads(line) for line in out.getvalue().splitlines()]
        total_sentences += sum(len(r["sentences"]) for r in results)
        ours = np.array([r["score"] for r in results])
        supported = np.array([int(r["supported"]) for r in results])
        start = time.perf_counter()
        emb = embedding_only(checker, rows)
        base_time += time.perf_counter() - start
        overlap = word_overlap(rows)
        a, b, c = auc(ours, labels), auc(emb, labels), auc(overlap, labels)
        print(
            f"bench checker-{path.stem}: ratio={a / b:.3f} (retold={a:.3f}, baseline={b:.3f}) "
            f"word-overlap={c:.3f} balanced-accuracy={balanced_accuracy(supported, labels):.3f} "
            f"rows={len(rows)}"
        )
        # FRANK mixes near-extractive (CNN/DM) and one-sentence abstractive (XSum) summaries;
        # the targets differ by kind, so each kind is reported on its own too.
        kinds = np.array([r.get("dataset", "") for r in rows])
        for kind in sorted(set(kinds) - {""}):
            m = kinds == kind
            a, b = auc(ours[m], labels[m]), auc(emb[m], labels[m])
            print(
                f"bench checker-{path.stem}-{kind}: ratio={a / b:.3f} "
                f"(retold={a:.3f}, baseline={b:.3f}) "
                f"word-overlap={auc(overlap[m], labels[m]):.3f} "
                f"balanced-accuracy={balanced_accuracy(supported[m], labels[m]):.3f} rows={m.sum()}"
            )
        if args.nli:
            ce, n, seconds = cross_encoder_only(checker, rows)
            nli_pairs, nli_time = nli_pairs + n, nli_time + seconds
            print(f"bench checker-{path.stem}-nli: cross-encoder alone AUC={auc(ce, labels):.3f}")
    ours_rate = total_sentences / total_time
    base_rate = total_sentences / base_time
    print(
        f"bench checker-speed: ratio={ours_rate / base_rate:.3f} "
        f"(retold={ours_rate:.1f} sent/s, baseline={base_rate:.1f} sent/s)"
    )
    if args.nli and nli_time:
        print(f"bench checker-nli-speed: {nli_pairs / nli_time:.1f} pairs/s (cross-encoder alone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
