"""Fit the checker's support score on the development data and write verify/weights.json.

    .venv/bin/python training/fit_checker.py [--dry-run]

Few parameters on purpose (one weight per feature, an intercept, a threshold), L2
regularised, judged by cross-validation grouped by source document so that rows about the
same article never sit on both sides. The development sets are small and noisy; the team
measures on held-out data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from retold.verify.checker import Checker, split_article
from retold.verify.features import FEATURES
from retold.verify.scoring import WEIGHTS_FILE

DATA = Path("/work/shared/data/faithfulness")
FILES = ("frank_valid.jsonl", "summedits_eval.jsonl")
# For the "worst sentence" summary: low is bad for these, high is bad for the rest.
HIGHER_IS_BETTER = {"similarity", "coverage_evidence", "coverage_source", "token_match"}


def load(name: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in (DATA / name).open()]


def sentence_features(checker: Checker, rows: list[dict]) -> list[np.ndarray]:  # type: ignore[type-arg]
    """Per row: an (n_sentences, n_features) array."""
    out: list[np.ndarray] = []
    for start in range(0, len(rows), 64):
        chunk = rows[start : start + 64]
        articles = [(split_article(r["text"]) or [[r["text"]]], [(r["source"], "")]) for r in chunk]
        for analysed in checker.analyse_many(articles):
            vectors = [s.vector() for _, _, s, _, _ in analysed if s is not None]
            out.append(np.array(vectors, dtype=np.float64).reshape(-1, len(FEATURES)))
    return out


def worst(per_sentence: np.ndarray) -> np.ndarray:
    cols = []
    for j, name in enumerate(FEATURES):
        col = per_sentence[:, j]
        cols.append(col.min() if name in HIGHER_IS_BETTER else col.max())
    return np.array(cols)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, weight: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    """Newton's method on standardised features; returns (mean, scale, coef, intercept)."""
    mean, scale = x.mean(0), x.std(0) + 1e-6
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    sw = np.ones(len(y)) if weight is None else weight
    reg = np.eye(z.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (sw * (p - y)) + reg @ w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w[:-1], w[-1]


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    # average ranks for ties
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def balanced_accuracy(pred: np.ndarray, labels: np.ndarray) -> float:
    pos = labels == 1
    return float(((pred[pos] == 1).mean() + (pred[~pos] == 0).mean()) / 2)


def min_score(per_sentence: np.ndarray, mean, scale, coef, intercept) -> float:  # type: ignore[no-untyped-def]
    z = ((per_sentence - mean) / scale) @ coef + intercept
    return float((1 / (1 + np.exp(-z))).min()) if len(z) else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true", help="report, don't write weights")
    parser.add_argument("--l2", type=float, default=2.0)
    parser.add_argument(
        "--balance",
        choices=("files", "kinds"),
        default="files",
        help="count each file equally (default), or each kind of data (CNN/DM, XSum, SummEdits)",
    )
    args = parser.parse_args()
    checker = Checker()
    rows, per_sentence, groups, sets = [], [], [], []
    for name in FILES:
        data = load(name)
        feats = sentence_features(checker, data)
        for r, f in zip(data, feats, strict=True):
            if len(f):
                rows.append(r)
                per_sentence.append(f)
                groups.append(int(hashlib.sha1(r["source"].encode()).hexdigest(), 16) % 5)
                sets.append(name)
    x = np.array([worst(f) for f in per_sentence])
    y = np.array([r["label"] for r in rows], dtype=np.float64)
    groups_a, sets_a = np.array(groups), np.array(sets)
    # FRANK mixes near-extractive CNN/DM and abstractive XSum rows; within each kind is the
    # harder, more honest figure (the whole-file AUC is helped by telling the kinds apart)
    kinds = np.array(
        [f"{n}:{r['dataset']}" if "dataset" in r else n for n, r in zip(sets, rows, strict=True)]
    )
    # each file (or kind) counts equally, and within it each class counts equally
    balanced = sets_a if args.balance == "files" else kinds
    weight = np.zeros(len(y))
    for name in set(balanced):
        for label in (0, 1):
            mask = (balanced == name) & (y == label)
            weight[mask] = 1.0 / max(mask.sum(), 1)
    weight *= len(y) / weight.sum()
    cv_scores = np.zeros(len(y))
    for g in range(5):
        test = groups_a == g
        params = fit_logistic(x[~test], y[~test], args.l2, weight[~test])
        cv_scores[test] = [min_score(per_sentence[i], *params) for i in np.where(test)[0]]
    params = fit_logistic(x, y, args.l2, weight)
    full_scores = np.array([min_score(f, *params) for f in per_sentence])
    # threshold: the one maximising mean balanced accuracy over files, from CV scores
    candidates = np.quantile(cv_scores, np.linspace(0.05, 0.95, 91))

    def mean_bacc(t: float) -> float:
        return float(
            np.mean(
                [
                    balanced_accuracy((cv_scores[sets_a == n] >= t).astype(int), y[sets_a == n])
                    for n in FILES
                ]
            )
        )

    threshold = float(max(candidates, key=mean_bacc))
    for name in [*FILES, *sorted(set(kinds) - set(FILES))]:
        m = (sets_a == name) | (kinds == name)
        bacc = balanced_accuracy((cv_scores[m] >= threshold).astype(int), y[m])
        print(
            f"{name}: cv AUC={auc(cv_scores[m], y[m]):.3f} "
            f"train AUC={auc(full_scores[m], y[m]):.3f} cv bacc@{threshold:.2f}={bacc:.3f} "
            f"rows={m.sum()}"
        )
    mean, scale, coef, intercept = params
    print(
        "coef:",
        dict(zip(FEATURES, np.round(coef, 3), strict=True)),
        "intercept",
        round(intercept, 3),
    )
    if not args.dry_run:
        WEIGHTS_FILE.write_text(
            json.dumps(
                {
                    "features": list(FEATURES),
                    "mean": [round(v, 6) for v in mean],
                    "scale": [round(v, 6) for v in scale],
                    "coef": [round(v, 6) for v in coef],
                    "intercept": round(float(intercept), 6),
                    "threshold": round(threshold, 4),
                    "fitted_on": list(FILES),
                    "l2": args.l2,
                },
                indent=2,
            )
            + "\n"
        )
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
