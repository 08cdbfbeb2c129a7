"""The walk-in's choice: first a language, then the matter, one big button each.

A citizen who chose their language at the start sees only that language
here (the row of languages is hidden). Otherwise the language row is at the
top and Finnish is selected when the screen opens; choosing another language re-labels everything below it and shows
only the matters that are served in that language, so the citizen can only
pick what an official can actually serve. A matter's button tells the
controller (service id, language); the language buttons are only touches.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, in_language
from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label
from kiosk.screens.theme import THEME
from kiosk.screens.wording import WORDING
from protocol.messages import ServiceChoice

LANGUAGE_COLOUR = (0.15, 0.32, 0.50, 1)
SERVICE_COLOUR = (0.15, 0.42, 0.65, 1)
BACK_COLOUR = (0.35, 0.35, 0.4, 1)
DEFAULT_LANGUAGE = "fi"
#: Share of the screen height the matters may take, and the most one row of them gets.
SERVICES_HEIGHT, ROW_HEIGHT = 0.52, 0.13


def service_name(service: ServiceChoice, language: str) -> str:
    return {"fi": service.name_fi, "sv": service.name_sv, "en": service.name_en}.get(language, service.name_fi)


def columns_for(count: int) -> int:
    """One column for a short list, more as it grows, so that every button stays large."""
    return 1 if count <= 4 else 2 if count <= 10 else 3


def wrapping_button(text: str, colour: tuple[float, float, float, float]) -> Button:
    """A big button whose text wraps inside it (service names can be long)."""
    button = big_button(text, colour, halign="center", valign="middle")
    button.bind(size=lambda b, s: setattr(b, "text_size", (s[0] * 0.92, s[1])))
    return button


class ChooseScreen(BoothScreen):
    def __init__(
        self,
        on_choose: Callable[[str, str], None],
        on_back: Callable[[], None],
        on_touch: Callable[[], None],
        **kwargs: object,
    ) -> None:
        super().__init__(name="choose", **kwargs)
        self._on_choose, self._on_touch = on_choose, on_touch
        self.language = DEFAULT_LANGUAGE
        self.services: tuple[ServiceChoice, ...] = ()
        self.service_buttons: dict[str, Button] = {}
        root = FloatLayout()
        self.row = row = BoxLayout(spacing=16, size_hint=(0.7, 0.11), pos_hint={"center_x": 0.5, "top": 0.89})
        self.language_buttons: dict[str, Button] = {}
        for lang in LANGUAGES:
            button = big_button(LANGUAGE_NAMES[lang], LANGUAGE_COLOUR)
            button.bind(on_release=lambda _b, lang=lang: self.select_language(lang, touched=True))
            row.add_widget(button)
            self.language_buttons[lang] = button
        root.add_widget(row)
        self.title = big_label("", 0.12, size_hint=(0.9, 0.08), pos_hint={"center_x": 0.5, "top": 0.76})
        root.add_widget(self.title)
        self.grid = GridLayout(spacing=16, size_hint=(0.8, SERVICES_HEIGHT), pos_hint={"center_x": 0.5, "top": 0.66})
        root.add_widget(self.grid)
        self.empty = big_label("", 0.05, size_hint=(0.8, 0.2), pos_hint={"center_x": 0.5, "top": 0.6})
        root.add_widget(self.empty)
        self.notice = big_label("", 0.08, size_hint=(0.8, 0.06), pos_hint={"center_x": 0.5, "y": 0.14})
        root.add_widget(self.notice)
        self.back = big_button("", BACK_COLOUR, size_hint=(0.3, 0.1), pos_hint={"center_x": 0.5, "y": 0.03})
        self.back.bind(on_release=lambda *_: on_back())
        root.add_widget(self.back)
        self.add_widget(root)
        self.select_language(DEFAULT_LANGUAGE)

    def set_services(self, services: tuple[ServiceChoice, ...]) -> None:
        """A new catalogue from the backend; the selected language stays."""
        self.services = services
        self._rebuild()

    def select_language(self, language: str, touched: bool = False) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        for lang, button in self.language_buttons.items():
            selected = lang == self.language
            THEME.paint(button, ACCENT if selected else LANGUAGE_COLOUR, go=selected)
            button.bold = selected
        self.title.text = in_language("choose", self.language)
        self.back.text = in_language("back", self.language)
        self._rebuild()
        if touched:
            self._on_touch()

    def _rebuild(self) -> None:
        self.grid.clear_widgets()
        self.service_buttons = {}
        offered = [s for s in self.services if self.language in s.languages]
        cols = columns_for(len(offered))
        rows = max(1, math.ceil(len(offered) / cols))
        self.grid.cols = cols
        self.grid.size_hint_y = min(SERVICES_HEIGHT, rows * ROW_HEIGHT)
        for service in offered:
            button = wrapping_button(service_name(service, self.language), SERVICE_COLOUR)
            button.bind(on_release=lambda _b, sid=service.service_id: self._on_choose(sid, self.language))
            self.grid.add_widget(button)
            self.service_buttons[service.service_id] = button
        self.empty.text = "" if offered else in_language("choose_none", self.language)

    def on_pre_enter(self, *_: object) -> None:
        """The language chosen at the start, else Finnish: never what the last citizen chose."""
        chosen = WORDING.language
        self.row.opacity, self.row.disabled = (0, True) if chosen else (1, False)
        self.select_language(chosen or DEFAULT_LANGUAGE)

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def targets(self) -> dict[str, Widget]:
        named: dict[str, Widget] = {}
        if not WORDING.language:
            named.update({f"lang:{lang}": b for lang, b in self.language_buttons.items()})
        named.update({f"service:{sid}": b for sid, b in self.service_buttons.items()})
        named["back"] = self.back
        return named
