"""An experimental cross-encoder: does this source passage support this sentence?

A MiniLM-L6 cross-encoder fine-tuned FactCC-style on synthetic perturbations (see
``train_nli.py``), saved as an int8 ONNX file in ``training/model/`` and run with ONNX
Runtime and the embeddings' ``tokenizer.json``: no torch, nothing downloaded.

It lives here, not in ``retold``, because it did not improve the checker on the
development data (see model/README.md), so Retold does not ship or use it. A trained
model directory can still be used as the ``nli`` judge (``[checker] judge = "nli"``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retold.onnx import cpu_session, unpadded_tokenizer
from retold.verify.evidence import Evidence
from retold.verify.index import SourceIndex

if TYPE_CHECKING:
    from tokenizers import Encoding

MODEL_FILE = Path(__file__).resolve().parent / "model" / "nli-minilm-l6-int8.onnx"
# Premise and claim together; a longer pair loses tokens from its longer side first.
MAX_TOKENS = 160


class NliModelMissing(Exception):
    """The cross-encoder model file or its tokenizer is not installed."""


def premise(evidence: Evidence, indexes: Sequence[SourceIndex]) -> str:
    """What the cross-encoder reads as the source side: the best passage the checker found
    (a sentence or a two-sentence window). Training uses this same function."""
    best = evidence.best
    return indexes[best.doc].units[best.unit]


class CrossEncoder:
    """Scores (premise, claim) pairs: the probability the premise supports the claim."""

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        threads: int | None = None,
    ) -> None:

        from retold.relate.embeddings import packaged_tokenizer_path

        model_path = Path(model_path) if model_path else MODEL_FILE
        if not model_path.is_file():
            raise NliModelMissing(f"The checker's cross-encoder file {model_path} does not exist.")
        tokenizer_path = Path(tokenizer_path) if tokenizer_path else packaged_tokenizer_path()
        self._tokenizer = unpadded_tokenizer(tokenizer_path, MAX_TOKENS)
        self._session = cpu_session(model_path, threads)
        self._input_names = {i.name for i in self._session.get_inputs()}

    def entailment_prob(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """For each (premise, claim): P(supported), float32, in input order.

        One pair per model call, on purpose: the int8 model quantises activations with one
        scale per call, so a batch (and its padding) would nudge each pair's score by up to
        a few hundredths depending on its neighbours. Alone, a pair always gets the same
        score; on CPU it costs no throughput (measured: 27 pairs/s alone, 25 in batches of 32).
        """
        out = np.zeros(len(pairs), dtype=np.float32)
        for i, encoding in enumerate(
            self._tokenizer.encode_batch([(p or " ", c or " ") for p, c in pairs])
        ):
            out[i] = self._run(encoding)
        return out

    def _run(self, encoding: Encoding) -> float:
        ids = np.array([encoding.ids], dtype=np.int64)
        feeds = {
            "input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        logits = self._session.run(None, {k: v for k, v in feeds.items() if k in self._input_names})
        z = logits[0][0].astype(np.float64)
        # two classes (not supported, supported): the softmax's second column
        return float(1.0 / (1.0 + np.exp(z[0] - z[1])))


_default: CrossEncoder | None = None
_lock = threading.Lock()


def default_cross_encoder() -> CrossEncoder:
    """The process-wide cross-encoder, loaded on first use (thread-safe)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                threads = os.environ.get("RETOLD_EMBED_THREADS")
                _default = CrossEncoder(threads=int(threads) if threads else None)
    return _default


def entailment_prob(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """P(supported) for each (premise, claim) pair, with the shipped model."""
    return default_cross_encoder().entailment_prob(pairs)
