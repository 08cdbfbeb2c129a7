"""Look and feel shared by the booth's screens: calm, large, high contrast (sizes and colours: ``theme``)."""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from kiosk.screens.theme import NORMAL, THEME

BACKGROUND = NORMAL.background  # deep blue
ACCENT = (0.0, 0.50, 0.32, 1)  # green Start (white bold text on it: 5:1, WCAG AA)
TEXT = NORMAL.text


class BoothScreen(Screen):
    """A screen with the booth background and a notice line for short messages."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            colour = Color(*BACKGROUND)
            self._bg = Rectangle(pos=(0, 0), size=self.size)
        THEME.background(colour)
        self.bind(size=self._layout_bg)

    def _layout_bg(self, *_: object) -> None:
        # A Screen is a RelativeLayout: its canvas is drawn from its own corner, (0, 0), wherever it is.
        self._bg.size = self.size

    def set_notice(self, text: str) -> None:
        """Show a short message; screens without a notice line ignore it."""


def big_label(text: str, size: float = 0.05, **kwargs: object) -> Label:
    """A text on the screen's background, sized from its box (``size``) but never below the scale's minimum."""
    label = THEME.label(Label(text=text, color=TEXT, halign="center", valign="middle", **kwargs))
    label.bind(size=lambda lb, s: setattr(lb, "text_size", s))
    return THEME.size_text(label, lambda lb: lb.height * size * 4)


def big_button(text: str, colour: tuple[float, float, float, float], **kwargs: object) -> Button:
    """A button in ``colour`` (the palette may redraw it); the green ``ACCENT`` is the "go" button."""
    kwargs = {"halign": "center", "valign": "middle", **kwargs}
    button = Button(text=text, background_normal="", background_color=colour, color=TEXT, bold=True, **kwargs)
    # The text wraps inside the button: a longer word in another language (Russian) goes onto a new line
    # rather than running over the button's edge.
    button.bind(size=lambda b, s: setattr(b, "text_size", (s[0] * 0.92, s[1])))
    THEME.paint(button, colour, go=colour == ACCENT)
    return THEME.size_text(button, lambda b: b.height * 0.28)
