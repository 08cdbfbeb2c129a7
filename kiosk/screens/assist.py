"""The banner that tells the citizen their call-button press was heard.

It sits above every screen: a citizen may press the button at the attract
screen, in the lobby or in a call, and must see an answer at once.
"""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.label import Label

from kiosk.screens.theme import THEME
from kiosk.screens.wording import WORDING
from protocol.messages import AssistState

#: Background and text of each state: white on red (called), black on amber (on the way); WCAG AA both.
_COLOURS = {AssistState.REQUESTED: (0.70, 0.18, 0.08, 1), AssistState.ACKNOWLEDGED: (0.85, 0.6, 0.0, 1)}
_TEXT = {AssistState.REQUESTED: (1, 1, 1, 1), AssistState.ACKNOWLEDGED: (0, 0, 0, 1)}


class AssistBanner(Label):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(text="", bold=True, halign="center", valign="middle", **kwargs)
        with self.canvas.before:
            self._colour = Color(0, 0, 0, 0)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._layout, size=self._layout)
        self.opacity = 0
        self.background_rgba: tuple[float, float, float, float] | None = None
        self._state = AssistState.NONE
        self._confirmed = True
        WORDING.on_change(lambda _lang: self.show(self._state, self._confirmed))
        THEME.size_text(self, lambda w: w.height * 0.32)

    def _layout(self, *_: object) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self.text_size = self.size

    def show(self, state: AssistState, confirmed: bool = True) -> None:
        """``confirmed`` False: pressed, not yet confirmed by the backend: "calling…", not "has been called"."""
        self._state, self._confirmed = state, confirmed
        if state is AssistState.NONE:
            self.opacity, self.text = 0, ""
            return
        self._colour.rgba = _COLOURS[state]
        self.background_rgba = _COLOURS[state]  # for the contrast check of the debug dump
        self.color = _TEXT[state]
        self.text = WORDING.say(f"assist_{state.value}" if confirmed else "assist_calling", "  ·  ")
        self.opacity = 1
