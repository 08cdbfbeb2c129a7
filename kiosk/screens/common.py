"""Look and feel shared by the booth's screens: calm, large, high contrast."""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

BACKGROUND = (0.07, 0.20, 0.33, 1)  # deep blue
ACCENT = (0.0, 0.55, 0.35, 1)  # green Start
TEXT = (1, 1, 1, 1)


class BoothScreen(Screen):
    """A screen with the booth background and a notice line for short messages."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(*BACKGROUND)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._layout_bg, size=self._layout_bg)

    def _layout_bg(self, *_: object) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size

    def set_notice(self, text: str) -> None:
        """Show a short message; screens without a notice line ignore it."""


def big_label(text: str, size: float = 0.05, **kwargs: object) -> Label:
    label = Label(text=text, color=TEXT, halign="center", valign="middle", **kwargs)
    label.bind(size=lambda lb, s: setattr(lb, "text_size", s))
    label.bind(height=lambda lb, h: setattr(lb, "font_size", max(14, h * size * 4)))
    return label


def big_button(text: str, colour: tuple[float, float, float, float], **kwargs: object) -> Button:
    button = Button(text=text, background_normal="", background_color=colour, color=TEXT, bold=True, **kwargs)
    button.bind(height=lambda b, h: setattr(b, "font_size", max(18, h * 0.28)))
    return button
