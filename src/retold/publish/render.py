"""The Jinja environment, the static assets and the fingerprint of everything that renders."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import jinja2

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@functools.cache
def environment() -> jinja2.Environment:
    """Compiled once per process; templates are read from the package."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        cache_size=-1,
    )


def template(name: str) -> jinja2.Template:
    return environment().get_template(name)


@dataclass(frozen=True)
class Asset:
    rel: str  # e.g. "static/style.3f2a9c1b.css": the content hash makes it cacheable forever
    data: bytes


@functools.cache
def assets() -> dict[str, Asset]:
    """Static files by logical name ("css", "js"), named after their content hash."""
    result = {}
    # A real icon file: the old `data:,` placeholder was the one data: URL in the output.
    files = (
        ("css", "style.css"),
        ("js", "share.js"),
        ("search", "search.js"),
        ("icon", "favicon.svg"),
    )
    for name, file in files:
        data = (STATIC / file).read_bytes()
        stem, ext = file.rsplit(".", 1)
        digest = hashlib.blake2b(data, digest_size=4).hexdigest()
        result[name] = Asset(f"static/{stem}.{digest}.{ext}", data)
    return result


@functools.cache
def fingerprint() -> str:
    """Hash of the builder's code, templates and assets: a change invalidates every page."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(HERE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js", ".svg"):
            digest.update(path.relative_to(HERE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
