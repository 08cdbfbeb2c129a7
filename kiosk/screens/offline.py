"""Shown while the booth cannot reach the backend; it keeps trying by itself."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import all_languages
from kiosk.screens.common import BoothScreen, big_label


class OfflineScreen(BoothScreen):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(name="offline", **kwargs)
        column = BoxLayout(orientation="vertical", padding=60, spacing=20)
        column.add_widget(big_label(all_languages("offline"), 0.04, size_hint_y=0.6))
        column.add_widget(big_label(all_languages("offline_hint"), 0.025, size_hint_y=0.4))
        self.add_widget(column)
