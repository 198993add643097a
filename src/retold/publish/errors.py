"""Errors the site builder raises; each carries one sentence a user can act on."""

from __future__ import annotations

from retold.errors import RetoldError


class PublishError(RetoldError):
    """The site could not be built; the message says why in one sentence.

    Exit 2 (the settings or the site's folder need a person) unless a command words it
    as a fault of the disk (`retold run`/`build`: exit 1, see cli/run.py).
    """
