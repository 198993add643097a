"""The shipped cross-encoder: loads offline from the repository, ranks sensibly, keeps order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retold.verify.nli import MODEL_FILE, CrossEncoder, NliModelMissing, default_cross_encoder

# The cross-encoder is a development artefact (training/train_nli.py builds it); it does not
# ship, because it did not improve the checker on the development data.
pytestmark = pytest.mark.skipif(
    not MODEL_FILE.is_file(),
    reason=f"no trained cross-encoder at {MODEL_FILE} (build it with training/train_nli.py)",
)

SOURCE = (
    "From 11 January, lessons at Northfield Academy, St Brigid's School and Eastbrook High "
    "will begin at 9.30am instead of 8.30am."
)


@pytest.fixture(scope="module")
def model() -> CrossEncoder:
    return default_cross_encoder()


def test_model_ships_small_enough() -> None:
    assert MODEL_FILE.is_file()
    assert MODEL_FILE.stat().st_size < 25 * 1024 * 1024


def test_entailed_pair_scores_higher_than_contradicted(model: CrossEncoder) -> None:
    supported, negated, swapped = model.entailment_prob(
        [
            (SOURCE, "Lessons at Northfield Academy will begin at 9.30am from 11 January."),
            (SOURCE, "Lessons at Northfield Academy will not begin at 9.30am from 11 January."),
            (SOURCE, "From 11 January, lessons at Northfield Academy will begin at 7.30am."),
        ]
    )
    assert supported > negated
    assert supported > swapped
    assert supported > 0.5


def test_unrelated_claim_is_not_supported(model: CrossEncoder) -> None:
    (p,) = model.entailment_prob([(SOURCE, "The mayor opened a new bridge over the river.")])
    assert p < 0.5


def test_batch_keeps_input_order(model: CrossEncoder) -> None:
    claims = [
        "Lessons will begin at 9.30am.",
        "A much longer claim about the schools, the trial and the sleep researchers at the "
        "university, which goes on for a while so that it lands in another length bucket.",
        "Eastbrook High is in the trial.",
        "Nothing changes.",
    ]
    pairs = [(SOURCE, c) for c in claims]
    batched = model.entailment_prob(pairs)
    one_by_one = np.array([model.entailment_prob([p])[0] for p in pairs])
    assert batched.shape == (4,)
    # a pair's score never depends on what else is in the call
    np.testing.assert_allclose(batched, one_by_one, atol=1e-6)
    reversed_ = model.entailment_prob(pairs[::-1])
    np.testing.assert_allclose(reversed_[::-1], batched, atol=1e-6)


def test_empty_input(model: CrossEncoder) -> None:
    assert model.entailment_prob([]).shape == (0,)


def test_missing_model_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NliModelMissing, match="does not exist"):
        CrossEncoder(tmp_path / "absent.onnx")


def test_runs_without_torch() -> None:
    """Run-time inference must never import torch (a development-only dependency)."""
    code = (
        "import sys; from retold.verify.nli import entailment_prob; "
        "p = entailment_prob([('The cat sat on the mat.', 'A cat sat on a mat.')]); "
        "assert 0.0 <= float(p[0]) <= 1.0; "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
