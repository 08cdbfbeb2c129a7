"""Identification in the call, on the booth: insert the card, the card is being checked, the outcome.

The PIN itself is typed on ``kiosk/screens/pin.py``. This screen shows one
short message at a time in every language (the notice the machine chose) and
one way out, "Back to the meeting": the citizen is never stuck here, and the
official can always identify them in person instead.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.screens.common import BoothScreen, big_button, big_label
from kiosk.screens.wording import WORDING


class IdCardScreen(BoothScreen):
    def __init__(self, on_back: Callable[[], None], **kwargs: object) -> None:
        super().__init__(name="idcard", **kwargs)
        column = BoxLayout(orientation="vertical", padding=60, spacing=20)
        column.add_widget(WORDING.bind(big_label("", 0.05, size_hint_y=0.2), "ident_title", "  ·  "))
        self.notice = big_label("", 0.045, size_hint_y=0.55)
        column.add_widget(self.notice)
        self.back = WORDING.bind(
            big_button("", (0.35, 0.35, 0.4, 1), size_hint=(0.7, 0.15), pos_hint={"center_x": 0.5}),
            "back_to_meeting",
            "  ·  ",
        )
        self.back.bind(on_release=lambda *_: on_back())
        column.add_widget(self.back)
        self.add_widget(column)

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def targets(self) -> dict[str, Widget]:
        return {"back": self.back}
