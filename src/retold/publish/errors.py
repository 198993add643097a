"""Errors the site builder raises; each carries one sentence a user can act on."""

from __future__ import annotations


class PublishError(Exception):
    """The site could not be built; the message says why in one sentence."""
