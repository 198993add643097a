"""Text that is safe to put in XML 1.0 (ElementTree escapes markup, not control characters)."""

from __future__ import annotations

import re

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _INVALID.sub("", text)
