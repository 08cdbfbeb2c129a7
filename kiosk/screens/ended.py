"""The end of a meeting: thanks, and a reminder to take one's papers."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import all_languages
from kiosk.screens.common import BoothScreen, big_label


class EndedScreen(BoothScreen):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="ended", **kwargs)
        column = BoxLayout(orientation="vertical", padding=60, spacing=20)
        self.notice = big_label("", 0.03, size_hint_y=0.2)
        column.add_widget(self.notice)
        column.add_widget(big_label(all_languages("thanks", "  ·  "), 0.06, size_hint_y=0.3))
        column.add_widget(big_label(all_languages("take_papers"), 0.04, size_hint_y=0.5))
        self.add_widget(column)

    def set_notice(self, text: str) -> None:
        self.notice.text = text
