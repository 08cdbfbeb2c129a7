"""The attract screen: Start, or "I have a booking"; nothing else to get wrong.

Start stays where it always was (around 40 % from the top), so a citizen
who has used a booth before, and the end-to-end tests, find it again.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.i18n import all_languages
from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label

BOOKING_COLOUR = (0.15, 0.42, 0.65, 1)  # blue: the second choice, not competing with green Start


class AttractScreen(BoothScreen):
    def __init__(self, on_start: Callable[[], None], on_booking: Callable[[], None], **kwargs: object) -> None:
        super().__init__(name="attract", **kwargs)
        root = FloatLayout()
        column = BoxLayout(
            orientation="vertical", spacing=20, size_hint=(0.7, 0.8), pos_hint={"center_x": 0.5, "center_y": 0.5}
        )
        column.add_widget(big_label(all_languages("welcome", "  ·  "), size_hint_y=0.2))
        self.start_button = big_button(all_languages("start", "  ·  "), ACCENT, size_hint_y=0.3)
        self.start_button.bind(on_release=lambda *_: on_start())
        column.add_widget(self.start_button)
        self.booking_button = big_button(
            all_languages("booking", "  ·  "),
            BOOKING_COLOUR,
            size_hint=(0.8, 0.17),
            pos_hint={"center_x": 0.5},
        )
        self.booking_button.bind(on_release=lambda *_: on_booking())
        column.add_widget(self.booking_button)
        column.add_widget(big_label(all_languages("start_hint"), 0.03, size_hint_y=0.17))
        self.notice = big_label("", 0.03, size_hint_y=0.16)
        column.add_widget(self.notice)
        root.add_widget(column)
        self.add_widget(root)

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def targets(self) -> dict[str, Widget]:
        return {"start": self.start_button, "booking": self.booking_button}
