"""Comparing built sites: every published file, byte for byte, except two.

- The search index: Pagefind names its filter and metadata files by a hash that changes
  between two builds of the same pages (Pagefind/pagefind#638: fragments are stable since
  1.3, filters and metadata are not); the search tests check the index itself.
- The build manifest: Retold's own record of what each file was built from (database ids
  and the previous build's keys included), not something readers get.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SEARCH_INDEX = "pagefind/"
MANIFEST = ".retold-manifest.json"


def site_files(site: Path, *, with_search: bool = False) -> dict[str, bytes]:
    """Path → bytes of every published file (the search index and the manifest only when
    asked: a site kept whole after a failed build keeps them too)."""
    files = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        derived = rel.startswith(SEARCH_INDEX) or rel == MANIFEST
        if path.is_file() and (with_search or not derived):
            files[rel] = path.read_bytes()
    return files


def site_digest(site: Path) -> dict[str, str]:
    """Path → SHA-256 of every published file but the search index."""
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in site_files(site).items()}
