"""What a screen shows, as data: every visible text, its size and its colours (debug only).

Written beside each debug screenshot (``screenshot_dir``, tests and development
only: like the screenshots it may show an official's name or a booking's
words), so the e2e tests judge a screen from the widget tree — the one
language on it, how tall its text is rendered, its contrast — rather than by
reading pixels.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.screens.common import BACKGROUND


def _shown(widget: Widget) -> bool:
    """On screen: neither it nor a parent is transparent."""
    node: Any = widget
    while node is not None:
        if getattr(node, "opacity", 1) <= 0:
            return False
        parent = node.parent
        node = None if parent is node else parent
    return True


def _background(widget: Label) -> tuple[float, ...]:
    if isinstance(widget, Button):
        return tuple(widget.background_color)
    behind = getattr(widget, "background_rgba", None)  # a label that paints its own background (banner)
    return tuple(behind) if behind else tuple(BACKGROUND)


def _needed_height(widget: Label) -> float:
    """How tall the text is laid out at its width with no height limit: taller than the widget means cut.

    A label with a fixed ``text_size`` drops the lines that do not fit, so its
    rendered height never shows that a longer translation lost its last words."""
    width, height = widget.text_size
    if width is None or height is None:
        return float(widget.texture_size[1])
    widget.text_size = (width, None)
    widget.texture_update()
    needed = float(widget.texture_size[1])
    widget.text_size = (width, height)
    widget.texture_update()
    return needed


def visible_texts(*roots: Widget) -> list[dict[str, Any]]:
    """Every non-empty, visible label or button under ``roots``, with what the tests check."""
    out: list[dict[str, Any]] = []
    for root in roots:
        for widget in root.walk(restrict=True):
            if not isinstance(widget, Label) or not widget.text.strip() or not _shown(widget):
                continue
            widget.texture_update()
            lines = max(1, widget.text.count("\n") + 1)
            out.append(
                {
                    "text": widget.text,
                    "font_size": float(widget.font_size),
                    "bold": bool(widget.bold),
                    "texture_height": float(widget.texture_size[1]),
                    "needed_height": _needed_height(widget),
                    "lines": lines,
                    "color": list(widget.color),
                    "background": list(_background(widget)),
                    "size": [float(widget.width), float(widget.height)],
                    "button": isinstance(widget, Button),
                }
            )
    return out
