"""The ``nli`` judge: a natural-language-inference cross-encoder from a local directory.

The directory holds what a Hugging Face ONNX export holds: ``model.onnx`` (or one
``*.onnx``, also under ``onnx/``), ``tokenizer.json`` and, optionally, ``config.json``
whose ``id2label`` names the outputs (``entailment``/``contradiction``/``neutral``, or
two classes). It runs with ONNX Runtime and ``tokenizers``: no torch, no network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retold.onnx import cpu_session
from retold.plugins import hookimpl
from retold.verify.judges.base import JudgeModelError, JudgeSettings, JudgeVerdict

FEEDS = ("input_ids", "attention_mask", "token_type_ids")
MAX_TOKENS = 512
_TOKEN_BUDGET = 8192  # tokens per forward pass (batch × padded width)

ENTAILMENT, CONTRADICTION, NEUTRAL = "entailment", "contradiction", "neutral"


def label_kind(name: str) -> str | None:
    """What an output label means: entailment, contradiction, neutral (or None: unknown)."""
    n = name.strip().lower().replace("-", "_").replace(" ", "_")
    if n.startswith(("not_", "non_", "no_", "un")) or n in ("neutral", "not_enough_info", "nei"):
        return NEUTRAL
    if n.startswith(("entail", "support", "consistent", "faithful")) or n in ("true", "yes"):
        return ENTAILMENT
    if n.startswith(("contradict", "refute", "inconsistent", "hallucinat")) or n == "false":
        return CONTRADICTION
    return None


def read_labels(config: Path, n_outputs: int | None) -> list[str]:
    """The meaning of each output column, from config.json or the two-class convention."""
    names: dict[int, str] = {}
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise JudgeModelError(f"The NLI model's {config} is not valid JSON ({exc}).") from None
        raw = data.get("id2label") if isinstance(data, dict) else None
        if not raw and isinstance(data, dict) and isinstance(data.get("label2id"), dict):
            raw = {v: k for k, v in data["label2id"].items()}
        if isinstance(raw, dict):
            try:
                names = {int(k): str(v) for k, v in raw.items()}
            except (TypeError, ValueError):
                raise JudgeModelError(f"The id2label in {config} has non-numeric ids.") from None
    n = n_outputs or (max(names) + 1 if names else None)
    if n is None:
        raise JudgeModelError(
            f"The NLI model's output size is not fixed and {config} names no labels."
        )
    if n == 1:
        return [ENTAILMENT]  # one logit: the probability of support, through a sigmoid
    if names and set(names) == set(range(n)):
        kinds = [label_kind(names[i]) for i in range(n)]
        if all(kinds) and ENTAILMENT in kinds:
            return [k for k in kinds if k is not None]
        if n > 2:
            raise JudgeModelError(
                f"The labels in {config} ({', '.join(names[i] for i in range(n))}) do not say "
                "which output means entailment."
            )
    if n == 2:
        return [NEUTRAL, ENTAILMENT]  # the binary convention: (not supported, supported)
    raise JudgeModelError(
        f"The NLI model has {n} outputs; add a config.json with id2label naming them "
        f"(entailment, contradiction, neutral) to {config.parent}."
    )


def find_files(path: Path) -> tuple[Path, Path, Path]:
    """(model.onnx, tokenizer.json, config.json) in the user's directory (or beside a file)."""
    if not path.exists():
        raise JudgeModelError(f"The NLI model directory {path} does not exist.")
    if path.is_file():
        if path.suffix != ".onnx":
            raise JudgeModelError(f"The NLI model path {path} is not a directory or .onnx file.")
        model, folder = path, path.parent
    else:
        folder = path
        candidates = [folder / "model.onnx", folder / "onnx" / "model.onnx"]
        found = [c for c in candidates if c.is_file()]
        if not found:
            found = sorted(folder.glob("*.onnx")) or sorted(folder.glob("onnx/*.onnx"))
            if len(found) > 1:
                names = ", ".join(p.name for p in found)
                raise JudgeModelError(
                    f"The NLI model directory {folder} has several ONNX files ({names}); "
                    "name one model.onnx."
                )
        if not found:
            raise JudgeModelError(f"The NLI model directory {folder} has no .onnx model file.")
        model = found[0]
    for where in (model.parent, folder, folder.parent):
        if (where / "tokenizer.json").is_file():
            return model, where / "tokenizer.json", where / "config.json"
    raise JudgeModelError(f"The NLI model directory {folder} has no tokenizer.json.")


class NLIJudge:
    """Scores (evidence, claim) pairs with an ONNX cross-encoder the user provides."""

    name = "nli"

    def __init__(self, settings: JudgeSettings) -> None:
        if not settings.nli_model_path.strip():
            raise JudgeModelError(
                "The nli judge needs a directory with model.onnx and tokenizer.json "
                "(checker.nli_model_path, or --judge-model for retold check)."
            )
        path = Path(settings.nli_model_path).expanduser()
        model_file, tokenizer_file, config_file = find_files(path)
        self.model_path = model_file
        self.batch_size = max(1, settings.batch_size * 4)  # a forward pass is cheap
        self._session = _load_session(model_file, settings.threads)
        self._inputs = _check_inputs(self._session, model_file)
        self.labels = read_labels(config_file, _output_size(self._session))
        self._probabilities = _outputs_probabilities(self._session)
        self._tokenizer = _load_tokenizer(tokenizer_file, config_file)
        self._pad_id = self._tokenizer.token_to_id("[PAD]")
        if self._pad_id is None:
            self._pad_id = self._tokenizer.token_to_id("<pad>") or 0
        self._lock = threading.Lock()  # one session, runs serialised; ORT threads inside

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Class probabilities, one row per pair, columns in :attr:`labels` order."""
        n = len(pairs)
        out = np.zeros((n, len(self.labels)), dtype=np.float32)
        if n == 0:
            return out
        encodings = self._tokenizer.encode_batch([(e or " ", c or " ") for e, c in pairs])
        order = sorted(range(n), key=lambda i: len(encodings[i].ids))  # less padding
        batch: list[int] = []
        for i in order:
            width = len(encodings[i].ids)
            full = len(batch) >= self.batch_size or (len(batch) + 1) * width > _TOKEN_BUDGET
            if batch and full:
                out[batch] = self._run([encodings[j] for j in batch])
                batch = []
            batch.append(i)
        if batch:
            out[batch] = self._run([encodings[j] for j in batch])
        return out

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[JudgeVerdict]:
        probs = self.probabilities(pairs)
        entail = self.labels.index(ENTAILMENT)
        contra = self.labels.index(CONTRADICTION) if CONTRADICTION in self.labels else None
        out = []
        for row in probs:
            p = float(row[entail])
            pc = float(row[contra]) if contra is not None else 0.0
            top = self.labels[int(np.argmax(row))] if len(self.labels) > 1 else ""
            if top == ENTAILMENT or (len(self.labels) == 1 and p >= 0.5):
                label, reason = "supported", f"the source entails this (p={p:.2f})"
            elif top == CONTRADICTION:
                label, reason = "contradicted", f"the source contradicts this (p={pc:.2f})"
            else:
                label, reason = "unsupported", f"the source does not entail this (p={p:.2f})"
            out.append(JudgeVerdict(label, round(p, 4), reason, self.name))
        return out

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            k = len(enc.ids)
            ids[row, :k], mask[row, :k], types[row, :k] = enc.ids, 1, enc.type_ids
        arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feeds = {name: arrays[name].astype(dtype) for name, dtype in self._inputs.items()}
        with self._lock:
            try:
                logits = self._session.run(None, feeds)[0]
            except Exception as exc:  # ORT raises its own types for shape/rank mismatches
                raise JudgeModelError(
                    f"The NLI model {self.model_path} failed on its input ({exc})."
                ) from None
        z = np.asarray(logits, dtype=np.float32)
        if z.ndim == 1:
            z = z[:, None]
        if z.ndim != 2 or z.shape != (len(encodings), len(self.labels)):
            raise JudgeModelError(
                f"The NLI model {self.model_path} returned shape {tuple(z.shape)}, not one row "
                f"of {len(self.labels)} scores per pair."
            )
        if z.shape[1] == 1:
            return 1.0 / (1.0 + np.exp(-z))
        if self._probabilities:
            return z
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def _outputs_probabilities(session: Any) -> bool:
    """Some exports end in softmax and say so in the output's name ("probabilities");
    softmaxing those again would flatten them. Hugging Face exports name raw "logits"."""
    outputs = session.get_outputs()
    name = outputs[0].name.lower() if outputs else ""
    return any(hint in name for hint in ("prob", "softmax"))


def _load_session(model_file: Path, threads: int | None) -> Any:
    try:
        return cpu_session(model_file, threads)
    except Exception as exc:  # ORT's own exception types (InvalidProtobuf, Fail, ...)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise JudgeModelError(
            f"ONNX Runtime cannot load the NLI model {model_file} ({first})."
        ) from None


_DTYPES = {"tensor(int64)": np.int64, "tensor(int32)": np.int32}


def _check_inputs(session: Any, model_file: Path) -> dict[str, Any]:
    """The model's inputs and their integer types, or a clear error if it wants others."""
    inputs = {i.name: i.type for i in session.get_inputs()}
    strange = [name for name in inputs if name not in FEEDS]
    if strange or "input_ids" not in inputs:
        got = ", ".join(inputs) or "none"
        raise JudgeModelError(
            f"The NLI model {model_file} takes inputs ({got}), not a cross-encoder's "
            "input_ids, attention_mask and token_type_ids."
        )
    wrong = [name for name, kind in inputs.items() if kind not in _DTYPES]
    if wrong:
        raise JudgeModelError(
            f"The NLI model {model_file} wants input {wrong[0]} as {inputs[wrong[0]]}, "
            "not integer token ids."
        )
    return {name: _DTYPES[kind] for name, kind in inputs.items()}


def _output_size(session: Any) -> int | None:
    outputs = session.get_outputs()
    if not outputs:
        return None
    shape = outputs[0].shape
    if len(shape) == 1:
        return 1
    last = shape[-1] if shape else None
    return last if isinstance(last, int) and last > 0 else None


def _load_tokenizer(tokenizer_file: Path, config_file: Path) -> Any:
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    except Exception as exc:  # tokenizers raises a bare Exception on bad files
        raise JudgeModelError(
            f"The NLI model's {tokenizer_file} is not a tokenizers file ({exc})."
        ) from None
    limit = MAX_TOKENS
    if config_file.is_file():
        try:
            positions = json.loads(config_file.read_text(encoding="utf-8")).get(
                "max_position_embeddings"
            )
        except (OSError, ValueError, AttributeError):
            positions = None
        if isinstance(positions, int) and positions > 8:
            limit = min(limit, positions - 2 if positions in (514, 1026) else positions)
    # Pairs lose tokens from their longer side first; padding is ours, per batch.
    tokenizer.enable_truncation(max_length=limit, strategy="longest_first")
    tokenizer.no_padding()
    return tokenizer


@hookimpl
def register_judges(register):  # type: ignore[no-untyped-def]
    register(
        "nli",
        NLIJudge,
        aliases=("cross-encoder",),
        description="An ONNX NLI cross-encoder from a local directory (checker.nli_model_path).",
    )
