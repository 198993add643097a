"""A stable key for caching drafts: same sources, prompt, model and settings → same key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from retold.records import SourceDoc
from retold.write.backend import WriterSettings


def cache_key(docs: Sequence[SourceDoc], settings: WriterSettings, prompt_version: str) -> str:
    """Hex SHA-256 over what changes a draft; secrets, timeouts and concurrency don't."""
    payload = {
        "docs": [
            {
                "url": d.url,
                "title": d.title,
                "text": hashlib.sha256(d.text.encode("utf-8")).hexdigest(),
                "site": d.site_name,
                "excerpt_only": d.excerpt_only,
            }
            for d in docs
        ],
        "prompt": prompt_version,
        "backend": settings.backend,
        "model": settings.model,
        "model_path": settings.model_path,
        "base_url": settings.base_url,
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
        "source_tokens": settings.source_tokens,
    }
    if settings.options:  # a plugin's own table may change what it writes
        payload["options"] = settings.options
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()
