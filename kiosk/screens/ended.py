"""The end of a meeting: thanks, and a reminder to take one's papers."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.screens.common import BoothScreen, big_label
from kiosk.screens.wording import WORDING


class EndedScreen(BoothScreen):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="ended", **kwargs)
        column = BoxLayout(orientation="vertical", padding=60, spacing=20)
        self.notice = big_label("", 0.03, size_hint_y=0.2)
        column.add_widget(self.notice)
        column.add_widget(WORDING.bind(big_label("", 0.06, size_hint_y=0.3), "thanks", "  ·  "))
        column.add_widget(WORDING.bind(big_label("", 0.04, size_hint_y=0.5), "take_papers"))
        self.add_widget(column)

    def set_notice(self, text: str) -> None:
        self.notice.text = text
