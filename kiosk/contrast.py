"""WCAG 2 contrast between a text colour and what is behind it: the booth's screens are checked by it.

Kept pure (colours in, ratio out) so the e2e tests judge the widget colours the
kiosk dumps, and a theme can be checked in a unit test without a screen.
"""

from __future__ import annotations

from collections.abc import Sequence

#: WCAG 2.1 level AA: normal text 4.5:1, large text (>= 24 px, or 18.7 px bold) 3:1.
AA_NORMAL, AA_LARGE = 4.5, 3.0
#: WCAG 2.1 level AAA for normal text: the high-contrast mode aims for it.
AAA_NORMAL = 7.0

Rgba = Sequence[float]


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: Rgba) -> float:
    """Relative luminance of an sRGB colour with channels 0..1 (alpha ignored)."""
    r, g, b = (_channel(float(c)) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def over(front: Rgba, back: Rgba) -> tuple[float, float, float]:
    """``front`` drawn with its alpha over an opaque ``back``."""
    a = float(front[3]) if len(front) > 3 else 1.0
    return tuple(float(f) * a + float(b) * (1 - a) for f, b in zip(front[:3], back[:3], strict=True))  # type: ignore[return-value]


def ratio(text: Rgba, background: Rgba) -> float:
    """The contrast ratio (1..21) of ``text`` on ``background``."""
    hi, lo = sorted((luminance(text), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
