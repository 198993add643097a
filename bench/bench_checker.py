"""Development-set figures for the sentence checker, with baselines run in the same process.

    .venv/bin/python bench/bench_checker.py [--limit N] [--judge likelihood]

Per file in the faithfulness development data: ROC-AUC of the summary score (the minimum
over its sentences, since labels are per summary) and balanced accuracy of ``supported``,
against two baselines: embedding similarity alone (min over sentences of the best cosine
to a source sentence) and word overlap (share of the text's words found in the source).
Then throughput: article sentences per second through the full checker versus
embedding-only scoring, with source embeddings cached as in production. ``--judge NAME``
also checks every file with that optional judge and reports its figures against the
checker alone (the baseline of those lines), and the judge's throughput.
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

from retold.text.words import words  # noqa: E402
from retold.verify.batch import check_jsonl  # noqa: E402
from retold.verify.checker import Checker, split_article  # noqa: E402
from retold.verify.judges import Judge, JudgeSettings, get_judge  # noqa: E402

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
    """The experimental cross-encoder alone (training/cross_encoder.py): min over sentences
    of P(supported) for the checker's best passage. Returns the scores, the pairs scored
    and the seconds."""
    from cross_encoder import default_cross_encoder

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


def run_check(
    checker: Checker,
    rows: list[dict],  # type: ignore[type-arg]
    judge: Judge | None = None,
) -> tuple[list[dict], float]:  # type: ignore[type-arg]
    """``retold check --jsonl`` over ``rows``: the output lines and the seconds taken."""
    out = io.StringIO()
    start = time.perf_counter()
    check_jsonl(
        io.StringIO("".join(json.dumps(r) + "\n" for r in rows)),
        out,
        io.StringIO(),
        checker=checker,
        judge=judge,
    )
    seconds = time.perf_counter() - start
    return [json.loads(line) for line in out.getvalue().splitlines()], seconds


def kinds_of(rows: list[dict]) -> list[tuple[str, np.ndarray]]:  # type: ignore[type-arg]
    """("", every row) and, for FRANK, ("-cnndm", …) and ("-bbc", …): the targets differ by
    kind (near-extractive CNN/DM, one-sentence abstractive XSum), so each is reported."""
    kinds = np.array([r.get("dataset", "") for r in rows])
    return [("", kinds == kinds)] + [(f"-{k}", kinds == k) for k in sorted(set(kinds) - {""})]


def report(
    name: str,
    label: str,
    ours: np.ndarray,
    baseline: np.ndarray,
    labels: np.ndarray,
    supported: np.ndarray,
    extra: str = "",
) -> None:
    """One bench line: our AUC as a ratio of the baseline's, then balanced accuracy."""
    a, b = auc(ours, labels), auc(baseline, labels)
    print(
        f"bench checker-{name}: ratio={a / b:.3f} ({label}={a:.3f}, baseline={b:.3f}) "
        f"{extra}balanced-accuracy={balanced_accuracy(supported, labels):.3f} rows={len(labels)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="rows per file (0: all)")
    parser.add_argument("--nli", action="store_true", help="also score the cross-encoder alone")
    parser.add_argument("--judge", default="none", help="also check with this optional judge")
    parser.add_argument("--judge-model", default="", help="the judge's GGUF file or directory")
    args = parser.parse_args()
    settings = JudgeSettings(
        nli_model_path=args.judge_model, likelihood_model_path=args.judge_model
    )
    judge = get_judge(args.judge, settings)
    judged_sentences, judged_time = 0, 0.0
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
        results, seconds = run_check(checker, rows)
        total_time += seconds
        total_sentences += sum(len(r["sentences"]) for r in results)
        ours = np.array([r["score"] for r in results])
        supported = np.array([int(r["supported"]) for r in results])
        start = time.perf_counter()
        emb = embedding_only(checker, rows)
        base_time += time.perf_counter() - start
        overlap = word_overlap(rows)
        for kind, m in kinds_of(rows):
            report(
                f"{path.stem}{kind}",
                "retold",
                ours[m],
                emb[m],
                labels[m],
                supported[m],
                f"word-overlap={auc(overlap[m], labels[m]):.3f} ",
            )
        if judge is not None:
            judged, seconds = run_check(checker, rows, judge)
            judged_time += seconds
            judged_sentences += sum(len(r["sentences"]) for r in judged)
            theirs = np.array([r["score"] for r in judged])
            agreed = np.array([int(r["supported"]) for r in judged])
            for kind, m in kinds_of(rows):
                report(
                    f"{path.stem}{kind}-{judge.name}",
                    f"retold+{judge.name}",
                    theirs[m],
                    ours[m],
                    labels[m],
                    agreed[m],
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
    if judged_time:
        rate = judged_sentences / judged_time
        print(
            f"bench checker-{args.judge}-speed: ratio={rate / ours_rate:.4f} "
            f"(retold+{args.judge}={rate:.2f} sent/s, baseline={ours_rate:.1f} sent/s)"
        )
    if args.nli and nli_time:
        print(f"bench checker-nli-speed: {nli_pairs / nli_time:.1f} pairs/s (cross-encoder alone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
