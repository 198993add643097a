"""Does the cross-encoder help? Development AUC with and without it, honestly split.

    .venv/bin/python training/eval_nli.py [--model PATH]

Per development file: the cross-encoder alone (summary score = its lowest sentence), and the
checker's logistic score without and with the cross-encoder feature, both from 5-fold
cross-validation grouped by source document (the folds of fit_checker.py). "held-out" rows
are those whose article never fed the cross-encoder's training data (nli_data.held_out).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cross_encoder import CrossEncoder  # noqa: E402
from fit_checker import FILES, HIGHER_IS_BETTER, auc, fit_logistic, load  # noqa: E402
from nli_data import held_out  # noqa: E402

from retold.verify.checker import Checker, split_article  # noqa: E402
from retold.verify.features import FEATURES  # noqa: E402

BASE = [f for f in FEATURES if f != "nli_unsupported"]


def per_sentence(checker: Checker, ce: CrossEncoder, rows: list[dict]) -> list[np.ndarray]:  # type: ignore[type-arg]
    """Per row: (n_sentences, len(BASE) + 1): the base features, then 1 - P(supported)."""
    out: list[np.ndarray] = []
    for start in range(0, len(rows), 64):
        chunk = rows[start : start + 64]
        articles = [(split_article(r["text"]) or [[r["text"]]], [(r["source"], "")]) for r in chunk]
        analysed = checker.analyse_many(articles)
        pairs = [(ev, text) for rows_ in analysed for _, text, s, ev, _ in rows_ if s is not None]
        probs = iter(ce.entailment_prob(pairs))
        for rows_ in analysed:
            feats = [
                [s.values[f] for f in BASE] + [1.0 - float(next(probs))]
                for _, _, s, _, _ in rows_
                if s is not None
            ]
            out.append(np.array(feats, dtype=np.float64).reshape(-1, len(BASE) + 1))
    return out


def worst(f: np.ndarray, names: list[str]) -> np.ndarray:
    return np.array(
        [f[:, j].min() if n in HIGHER_IS_BETTER else f[:, j].max() for j, n in enumerate(names)]
    )


def cv_scores(
    per: list[np.ndarray], y: np.ndarray, groups: np.ndarray, weight: np.ndarray, cols: list[int]
) -> np.ndarray:
    names = [(BASE + ["nli_unsupported"])[c] for c in cols]
    x = np.array([worst(f[:, cols], names) for f in per])
    out = np.zeros(len(y))
    for g in range(5):
        test = groups == g
        mean, scale, coef, intercept = fit_logistic(x[~test], y[~test], 2.0, weight[~test])
        for i in np.where(test)[0]:
            z = ((per[i][:, cols] - mean) / scale) @ coef + intercept
            out[i] = (1 / (1 + np.exp(-z))).min()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--save", type=Path, default=None, help="keep the features (.npz)")
    args = parser.parse_args()
    checker, ce = Checker(), CrossEncoder(args.model)
    rows, per, groups, sets = [], [], [], []
    for name in FILES:
        data = load(name)
        for r, f in zip(data, per_sentence(checker, ce, data), strict=True):
            if len(f):
                rows.append(r)
                per.append(f)
                groups.append(int(hashlib.sha1(r["source"].encode()).hexdigest(), 16) % 5)
                sets.append(name)
    y = np.array([r["label"] for r in rows], dtype=np.float64)
    if args.save:
        np.savez(
            args.save,
            per=np.array(per, dtype=object),
            y=y,
            groups=np.array(groups),
            sets=np.array(sets),
            hold=np.array([held_out(r["source"]) for r in rows]),
        )
    groups_a, sets_a = np.array(groups), np.array(sets)
    hold = np.array([held_out(r["source"]) for r in rows])
    weight = np.zeros(len(y))
    for name in FILES:
        for label in (0, 1):
            mask = (sets_a == name) & (y == label)
            weight[mask] = 1.0 / max(mask.sum(), 1)
    weight *= len(y) / weight.sum()
    n = len(BASE)
    before = cv_scores(per, y, groups_a, weight, list(range(n)))
    after = cv_scores(per, y, groups_a, weight, list(range(n + 1)))
    alone = np.array([1.0 - f[:, n].max() for f in per])
    for name in FILES:
        for label, m in (("all", sets_a == name), ("held-out", (sets_a == name) & hold)):
            print(
                f"{name} [{label}, {m.sum()} rows]: "
                f"cross-encoder alone AUC={auc(alone[m], y[m]):.3f}"
                f"  checker before={auc(before[m], y[m]):.3f} after={auc(after[m], y[m]):.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
