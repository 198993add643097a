"""The one exception type users see.

Anything raised as a RetoldError is printed as its message (one sentence) with
a non-zero exit code; anything else is a bug and gets a traceback.
"""

from __future__ import annotations


class RetoldError(Exception):
    """A user-facing error: the message is one clear sentence."""

    exit_code = 2


class ConfigError(RetoldError):
    pass


class NotANewsroom(RetoldError):
    pass


class NewsroomLocked(RetoldError):
    """Another process holds the newsroom lock (see retold.lock)."""

    exit_code = 4
