"""The bar under every screen: read aloud, large text and high contrast, one tap away wherever the citizen is.

Low on the screen, where a seated citizen (or one in a wheelchair) reaches; the
buttons say what they do in the citizen's language and show whether they are on.
Nothing on it ends a call or changes the booth for the next citizen: the session
resets both for them.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.widget import Widget

from kiosk.screens.common import ACCENT, BACKGROUND, big_button
from kiosk.screens.theme import THEME
from kiosk.screens.wording import WORDING
from kiosk.session import Look

OFF_COLOUR = (0.15, 0.32, 0.50, 1)
#: The look's switches: (the session's name for it, the text key of its button).
SWITCHES = (("large_text", "large_text"), ("high_contrast", "high_contrast"))


class AccessBar(BoxLayout):
    def __init__(self, on_toggle: Callable[[str], None], on_read: Callable[[], None], **kwargs: object) -> None:
        super().__init__(orientation="horizontal", spacing=24, padding=(24, 12), **kwargs)
        with self.canvas.before:
            colour = Color(*BACKGROUND)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        THEME.background(colour)
        self.bind(pos=self._layout, size=self._layout)
        self.buttons: dict[str, Button] = {}
        self.read = WORDING.bind(big_button("", OFF_COLOUR), "read_aloud", " · ")
        self.read.halign, self.read.valign = "center", "middle"
        self.read.bind(size=lambda b, s: setattr(b, "text_size", s), on_release=lambda *_: on_read())
        self.add_widget(self.read)
        for what, key in SWITCHES:
            button = WORDING.bind(big_button("", OFF_COLOUR), key, " · ")
            button.halign, button.valign = "center", "middle"
            button.bind(size=lambda b, s: setattr(b, "text_size", s))
            button.bind(on_release=lambda _b, what=what: on_toggle(what))
            self.add_widget(button)
            self.buttons[what] = button
        THEME.on_change(self.show)

    def _layout(self, *_: object) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size

    def show(self, look: Look) -> None:
        """Each switch drawn as on (green, yellow in high contrast) or off."""
        for what, button in self.buttons.items():
            on = bool(getattr(look, what))
            THEME.paint(button, ACCENT if on else OFF_COLOUR, go=on)

    def targets(self) -> dict[str, Widget]:
        return {"read_aloud": self.read} | {f"look:{what}": button for what, button in self.buttons.items()}
