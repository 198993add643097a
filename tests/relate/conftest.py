from __future__ import annotations

import sys
from pathlib import Path

import pytest

# sentences.py sits next to the tests; make it importable without a package.
sys.path.insert(0, str(Path(__file__).parent))

from retold.relate.embeddings import Embedder, default_embedder  # noqa: E402


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return default_embedder()
