"""ONNX Runtime sessions, created one way for every model Retold runs on the CPU."""

from __future__ import annotations

import logging
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
    # The arena keeps the largest batch's buffers for the life of the process: on real
    # pages (long sentences, big batches) that was ~250 MB of a run's peak, for no speed.
    options.enable_cpu_mem_arena = False
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


def dynamic_int8(model_file: Path, cache_dir: Path, name: str) -> Path:
    """``model_file`` re-quantized for speed: int8 weights per channel *and* int8 activations.

    Weight-only int8 exports (like the packaged MiniLM) still multiply in float32; quantizing
    activations too runs the matrix products in integers, about 2.3x faster on 2 cores, at a
    cosine of ~0.993 to the original's vectors. Built once from the installed file and kept
    in ``cache_dir`` under a name that changes with the file and the ONNX Runtime version.
    """
    import os
    import tempfile

    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Keyed by the installed file's size and time, not its hash: no 23 MB read per start.
    stat = model_file.stat()
    target = cache_dir / (
        f"{name}-dyn-int8-{stat.st_size}-{stat.st_mtime_ns}-ort{ort.__version__}.onnx"
    )
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        folded = Path(tmp) / "folded.onnx"
        # ONNX Runtime's basic optimisations fold the int8 -> float casts into plain weights,
        # which the quantizer can then requantize per channel.
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        quantized = Path(tmp) / "quantized.onnx"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantizer's advice to pre-process, on the root logger
        try:
            quantize_dynamic(
                folded,
                quantized,
                per_channel=True,
                weight_type=QuantType.QInt8,
                extra_options={"MatMulConstBOnly": True},
            )
        finally:
            root.setLevel(level)
        os.replace(quantized, target)  # atomic: a concurrent process sees all or nothing
    for stale in cache_dir.glob(f"{name}-dyn-int8-*.onnx"):
        if stale != target:  # built from an older package or ONNX Runtime
            stale.unlink(missing_ok=True)
    return target
