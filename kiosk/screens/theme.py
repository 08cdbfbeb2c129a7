"""How large and in which colours the screens draw: one scale, two looks, every widget bound here.

Why a scale and not fixed sizes: the booth runs on panels of different size and
resolution, and its e2e tests on a smaller window. The smallest text is

    max(24 px, 7.5 mm on the panel) at the configured resolution (``display.width``/``height``,
    ``display.diagonal_in``), scaled to the window actually opened,

7.5 mm being what 24 px is on a 27" 1920×1080 panel: the size WCAG calls large
text, readable by a 75-year-old at arm's length. Large-text mode multiplies
every size by ``LARGE_FACTOR``. Touch targets are at least ``MIN_TARGET_MM``.

High contrast swaps the palette for black, white and yellow (WCAG AAA, 7:1 and
more); the normal palette keeps AA (4.5:1, 3:1 for large text). Screens never
set a colour or a font size themselves: they make widgets with
``common.big_label``/``big_button`` (bound here) and colour buttons with
``THEME.paint``. One instance, ``THEME``, shared by every screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.session import Look

#: 24 px on a 27" 1920×1080 panel, in mm: the smallest text on any panel.
MIN_TEXT_MM = 24 * 27 * 25.4 / math.hypot(1920, 1080)
MIN_TEXT_PX = 24.0
#: Every size in large-text mode is this much larger.
LARGE_FACTOR = 1.4
#: The smallest touch target (ISO 9241-9 / EN 301 549 guidance for public terminals: 15 mm or more).
MIN_TARGET_MM = 15.0

Rgba = tuple[float, float, float, float]


@dataclass(frozen=True)
class Palette:
    background: Rgba
    text: Rgba
    #: Text on a button (the button keeps its own colour in the normal look).
    button_text: Rgba


NORMAL = Palette(background=(0.07, 0.20, 0.33, 1), text=(1, 1, 1, 1), button_text=(1, 1, 1, 1))
CONTRAST = Palette(background=(0, 0, 0, 1), text=(1, 1, 1, 1), button_text=(0, 0, 0, 1))
#: Buttons in high contrast: the green Start (and any "go" colour) yellow, every other button white.
CONTRAST_GO: Rgba = (1.0, 0.86, 0.0, 1)
CONTRAST_BUTTON: Rgba = (1, 1, 1, 1)


@dataclass(frozen=True)
class Scale:
    """Pixels for the panel: its pixels per mm and the window's share of the configured resolution."""

    px_per_mm: float
    window_share: float = 1.0

    @classmethod
    def for_panel(cls, width: int, height: int, diagonal_in: float, window_height: float | None = None) -> Scale:
        px_per_mm = math.hypot(width, height) / (diagonal_in * 25.4)
        return cls(px_per_mm, (window_height / height) if window_height else 1.0)

    @property
    def min_text_px(self) -> float:
        return max(MIN_TEXT_PX, MIN_TEXT_MM * self.px_per_mm) * self.window_share

    @property
    def min_target_px(self) -> float:
        return MIN_TARGET_MM * self.px_per_mm * self.window_share

    def font(self, proportional: float, large: bool) -> float:
        """A text's size: what its box suggests, never below the minimum; larger in large-text mode."""
        return max(self.min_text_px, proportional) * (LARGE_FACTOR if large else 1.0)


class Theme:
    """The look shown now and every widget that follows it (UI thread only)."""

    def __init__(self) -> None:
        self.look = Look()
        self.scale = Scale(px_per_mm=math.hypot(1920, 1080) / (27 * 25.4))
        self._texts: list[tuple[Any, Callable[[Any], float]]] = []
        self._buttons: dict[int, tuple[Any, Rgba, bool]] = {}
        self._labels: list[Any] = []
        self._fitting: set[int] = set()  # widgets being measured now (their text_size changes meanwhile)
        self._backgrounds: list[Any] = []
        self._listeners: list[Callable[[Look], None]] = []

    @property
    def palette(self) -> Palette:
        return CONTRAST if self.look.high_contrast else NORMAL

    def size_text(self, widget: Any, proportional: Callable[[Any], float]) -> Any:
        """``widget.font_size`` from ``proportional(widget)`` (its box's suggestion), kept on the scale."""
        self._texts.append((widget, proportional))
        resize = lambda w, _v: self._size(w, proportional)  # noqa: E731 - one callback, three properties
        widget.bind(height=resize, text=resize, text_size=resize)
        self._size(widget, proportional)
        return widget

    def _size(self, widget: Any, proportional: Callable[[Any], float]) -> None:
        if id(widget) in self._fitting:
            return  # its text_size changes while it is measured: keep the size being tried
        widget.font_size = self.scale.font(proportional(widget), self.look.large_text)
        self._fit(widget)

    def _fit(self, widget: Any) -> None:
        """Shrink the text, never below the minimum, while it is taller wrapped at its width than its box.

        A longer translation (Russian "консультанта", Swedish "servicerådgivaren") in
        large text would otherwise lose its last line: Kivy cuts what does not fit."""
        box = getattr(widget, "text_size", None)
        if not box or box[0] is None or box[1] is None or not widget.text or id(widget) in self._fitting:
            return
        self._fitting.add(id(widget))
        least = self.scale.font(0.0, self.look.large_text)  # the look's smallest text: large text stays large
        try:
            width, height = box
            widget.text_size = (width, None)  # measure the whole text, unclipped
            while True:
                widget.texture_update()
                if widget.texture_size[1] <= height or widget.font_size <= least:
                    break
                widget.font_size = max(least, widget.font_size - 1)
            widget.text_size = (width, height)
        finally:
            self._fitting.discard(id(widget))

    def label(self, widget: Any) -> Any:
        """A text on the screen's background: its colour follows the palette."""
        self._labels.append(widget)
        widget.color = self.palette.text
        return widget

    def paint(self, button: Any, colour: Rgba, go: bool = False) -> None:
        """Give ``button`` its colour (``go``: the main forward action, e.g. Start); drawn by the palette."""
        self._buttons[id(button)] = (button, colour, go)
        self._draw_button(button, colour, go)

    def _draw_button(self, button: Any, colour: Rgba, go: bool) -> None:
        if self.look.high_contrast:
            button.background_color = CONTRAST_GO if go else CONTRAST_BUTTON
            button.color = self.palette.button_text
        else:
            button.background_color = colour
            button.color = self.palette.button_text

    def background(self, colour_instruction: Any) -> None:
        """A screen's background ``Color`` instruction: follows the palette."""
        self._backgrounds.append(colour_instruction)
        colour_instruction.rgba = self.palette.background

    def on_change(self, listener: Callable[[Look], None]) -> None:
        self._listeners.append(listener)

    def configure(self, scale: Scale) -> None:
        """The panel's scale, once the window is open."""
        self.scale = scale
        self._redraw()

    def set_look(self, look: Look) -> None:
        if look == self.look:
            return
        self.look = look
        self._redraw()

    def _redraw(self) -> None:
        for widget, proportional in self._texts:
            self._size(widget, proportional)
        for widget in self._labels:
            widget.color = self.palette.text
        for button, colour, go in self._buttons.values():
            self._draw_button(button, colour, go)
        for instruction in self._backgrounds:
            instruction.rgba = self.palette.background
        for listener in self._listeners:
            listener(self.look)


THEME = Theme()
