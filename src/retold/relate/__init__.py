"""Embeddings (ONNX, offline) and related-article search.

Importing this package is cheap: onnxruntime and usearch load on first use.
"""

from retold.relate.embeddings import (
    DIM,
    MODEL_ID,
    Embedder,
    ModelMissing,
    default_embedder,
    fast_embedder,
    from_blob,
    to_blob,
)
from retold.relate.index import IndexCorrupt, VectorIndex, VectorIndexError
from retold.relate.related import (
    Corpus,
    pick_related,
    related_all,
    related_for,
    text_for_embedding,
)

__all__ = [
    "DIM",
    "MODEL_ID",
    "Corpus",
    "Embedder",
    "IndexCorrupt",
    "ModelMissing",
    "VectorIndex",
    "VectorIndexError",
    "default_embedder",
    "fast_embedder",
    "from_blob",
    "pick_related",
    "related_all",
    "related_for",
    "text_for_embedding",
    "to_blob",
]
