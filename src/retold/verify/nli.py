"""The checker's cross-encoder: does this source passage support this sentence?

A MiniLM-L6 cross-encoder fine-tuned FactCC-style on synthetic perturbations (see
``training/train_nli.py``), shipped as an int8 ONNX file beside this module and run with ONNX
Runtime and the embeddings' ``tokenizer.json``: no torch at run time, nothing downloaded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retold.verify.evidence import Evidence
from retold.verify.index import SourceIndex

MODEL_FILE = Path(__file__).with_name("model") / "nli-minilm-l6-int8.onnx"
# Premise and claim together; a longer pair loses tokens from its longer side first.
MAX_TOKENS = 160
_TOKEN_BUDGET = 4096


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
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from retold.relate.embeddings import _packaged_tokenizer_path

        model_path = Path(model_path) if model_path else MODEL_FILE
        if not model_path.is_file():
            raise NliModelMissing(f"The checker's cross-encoder file {model_path} does not exist.")
        tokenizer_path = Path(tokenizer_path) if tokenizer_path else _packaged_tokenizer_path()
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()
        self._pad_id = self._tokenizer.token_to_id("[PAD]") or 0
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}

    def entailment_prob(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """For each (premise, claim): P(supported), float32, in input order."""
        n = len(pairs)
        out = np.zeros(n, dtype=np.float32)
        if n == 0:
            return out
        encodings = self._tokenizer.encode_batch([(p or " ", c or " ") for p, c in pairs])
        # similar lengths together keep padding small (see embeddings.Embedder.encode)
        order = sorted(range(n), key=lambda i: len(encodings[i].ids))
        batch: list[int] = []
        for i in order:
            width = len(encodings[i].ids)
            if batch and (len(batch) >= batch_size or (len(batch) + 1) * width > _TOKEN_BUDGET):
                out[batch] = self._run([encodings[j] for j in batch])
                batch = []
            batch.append(i)
        if batch:
            out[batch] = self._run([encodings[j] for j in batch])
        return out

    def _run(self, encodings: list) -> np.ndarray:  # list[tokenizers.Encoding]
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            k = len(enc.ids)
            ids[row, :k], mask[row, :k], types[row, :k] = enc.ids, 1, enc.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        logits = self._session.run(None, {k: v for k, v in feeds.items() if k in self._input_names})
        z = logits[0].astype(np.float32)
        # two classes (not supported, supported): softmax's second column
        return 1.0 / (1.0 + np.exp(-(z[:, 1] - z[:, 0])))


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
