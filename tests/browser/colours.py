"""WCAG colour arithmetic on computed CSS colours (``rgb(r, g, b)`` or ``rgba(r, g, b, a)``)."""

from __future__ import annotations


def channels(css_color: str) -> tuple[float, ...]:
    """The r, g, b (0-255) and alpha (0-1) of a computed colour."""
    values = [float(v) for v in css_color[css_color.index("(") + 1 : -1].split(",")]
    return tuple(values) if len(values) == 4 else (*values, 1.0)


def luminance(css_color: str) -> float:
    """Relative luminance, as WCAG defines it."""
    r, g, b = (
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        for c in (v / 255 for v in channels(css_color)[:3])
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Contrast ratio between two opaque colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
