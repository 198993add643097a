"""ONNX Runtime sessions, created one way for every model Retold runs on the CPU."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cpu_session(model_file: Path, threads: int | None = None) -> Any:
    """An inference session tuned for a small shared machine (raises what onnxruntime raises)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle workers spinning for work steal CPU from the other pipeline stages; measured
    # ~10-20% faster without spinning on a shared 2-core machine.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return ort.InferenceSession(
        str(model_file), sess_options=options, providers=["CPUExecutionProvider"]
    )


def unpadded_tokenizer(tokenizer_file: Path, max_length: int) -> Any:
    """A `tokenizers` tokenizer truncating at ``max_length`` and not padding.

    Shipped tokenizer.json files often pad every text to a fixed length; padding only to
    the longest text of each batch is what keeps short sentences cheap.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    return tokenizer
