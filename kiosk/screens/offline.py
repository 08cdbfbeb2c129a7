"""Shown while the booth cannot reach the backend; it keeps trying by itself."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.screens.common import BoothScreen, big_label
from kiosk.screens.wording import WORDING


class OfflineScreen(BoothScreen):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="offline", **kwargs)
        column = BoxLayout(orientation="vertical", padding=60, spacing=20)
        column.add_widget(WORDING.bind(big_label("", 0.04, size_hint_y=0.6), "offline"))
        column.add_widget(WORDING.bind(big_label("", 0.025, size_hint_y=0.4), "offline_hint"))
        self.add_widget(column)
