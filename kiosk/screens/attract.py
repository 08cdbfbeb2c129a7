"""The attract screen: one Start button, nothing else to get wrong."""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from kiosk.i18n import all_languages
from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label


class AttractScreen(BoothScreen):
    def __init__(self, on_start: Callable[[], None], **kwargs: object) -> None:
        super().__init__(name="attract", **kwargs)
        root = FloatLayout()
        column = BoxLayout(
            orientation="vertical", spacing=20, size_hint=(0.7, 0.8), pos_hint={"center_x": 0.5, "center_y": 0.5}
        )
        column.add_widget(big_label(all_languages("welcome", "  ·  "), size_hint_y=0.2))
        self.start_button = big_button(all_languages("start", "  ·  "), ACCENT, size_hint_y=0.35)
        self.start_button.bind(on_release=lambda *_: on_start())
        column.add_widget(self.start_button)
        column.add_widget(big_label(all_languages("start_hint"), 0.03, size_hint_y=0.25))
        self.notice = big_label("", 0.03, size_hint_y=0.2)
        column.add_widget(self.notice)
        root.add_widget(column)
        self.add_widget(root)

    def set_notice(self, text: str) -> None:
        self.notice.text = text
