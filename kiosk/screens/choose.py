"""The walk-in's choice: first a language, then the matter, one big button each.

A citizen who chose a meeting language at the start sees only that language
here (the row of languages is hidden). A citizen who chose a screen-only
language (Russian) gets a "language of the meeting" step instead: the row
names Finnish, Swedish and English in Russian, with a plain note that the
official can call an interpreter, and only the matters that have a Russian
name are offered (in Russian): no second language appears on the screen. Otherwise the language row is at the
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

from kiosk.i18n import LANGUAGE_NAMES, MEETING_LANGUAGES, in_language, is_screen_only
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
#: How far the matters move down for the meeting-language step (its heading and interpreter note).
STEP_HEIGHT = 0.10


def service_name(service: ServiceChoice, language: str) -> str:
    """The matter's name in a meeting language, or in a screen-only one (empty if it has none)."""
    names = {"fi": service.name_fi, "sv": service.name_sv, "en": service.name_en}
    return names.get(language) or service.screen_names.get(language, "")


def offered(services: tuple[ServiceChoice, ...], meeting: str, screen: str) -> list[ServiceChoice]:
    """The matters served in ``meeting`` that can be named in ``screen`` (the screens' language)."""
    return [s for s in services if meeting in s.languages and service_name(s, screen)]


def columns_for(count: int) -> int:
    """One column for a short list, more as it grows, so that every button stays large."""
    return 1 if count <= 4 else 2 if count <= 10 else 3


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
        self.language = DEFAULT_LANGUAGE  # the meeting's
        self.screen_language = DEFAULT_LANGUAGE  # the screens' (the meeting's unless screen-only)
        self.services: tuple[ServiceChoice, ...] = ()
        self.service_buttons: dict[str, Button] = {}
        root = FloatLayout()
        self.step = big_label("", 0.1, size_hint=(0.9, 0.07), pos_hint={"center_x": 0.5, "top": 0.99})
        root.add_widget(self.step)
        self.row = row = BoxLayout(spacing=16, size_hint=(0.7, 0.11), pos_hint={"center_x": 0.5, "top": 0.89})
        self.language_buttons: dict[str, Button] = {}
        for lang in MEETING_LANGUAGES:
            button = big_button(LANGUAGE_NAMES[lang], LANGUAGE_COLOUR)
            button.bind(on_release=lambda _b, lang=lang: self.select_language(lang, touched=True))
            row.add_widget(button)
            self.language_buttons[lang] = button
        root.add_widget(row)
        self.note = big_label("", 0.05, size_hint=(0.9, 0.12), pos_hint={"center_x": 0.5, "top": 0.79})
        root.add_widget(self.note)
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
        """Select the meeting language; the screens speak it too unless the citizen reads a screen-only one."""
        self.language = language if language in MEETING_LANGUAGES else DEFAULT_LANGUAGE
        screen = self.screen_language if is_screen_only(self.screen_language) else self.language
        self.screen_language = screen
        for lang, button in self.language_buttons.items():
            selected = lang == self.language
            THEME.paint(button, ACCENT if selected else LANGUAGE_COLOUR, go=selected)
            button.bold = selected
            button.text = in_language(f"meeting_{lang}", screen) if is_screen_only(screen) else LANGUAGE_NAMES[lang]
        self.title.text = in_language("choose", screen)
        self.back.text = in_language("back", screen)
        self._rebuild()
        if touched:
            self._on_touch()

    def _rebuild(self) -> None:
        self.grid.clear_widgets()
        self.service_buttons = {}
        shown = offered(self.services, self.language, self.screen_language)
        cols = columns_for(len(shown))
        rows = max(1, math.ceil(len(shown) / cols))
        self.grid.cols = cols
        self.grid.size_hint_y = min(self._services_height(), rows * ROW_HEIGHT)
        for service in shown:
            button = big_button(service_name(service, self.screen_language), SERVICE_COLOUR)
            button.bind(on_release=lambda _b, sid=service.service_id: self._on_choose(sid, self.language))
            self.grid.add_widget(button)
            self.service_buttons[service.service_id] = button
        none = "choose_none_screen" if is_screen_only(self.screen_language) else "choose_none"
        self.empty.text = "" if shown else in_language(none, self.screen_language)

    def _services_height(self) -> float:
        """The meeting-language step takes room above the matters; they get the rest."""
        return SERVICES_HEIGHT - (STEP_HEIGHT if is_screen_only(self.screen_language) else 0)

    def on_pre_enter(self, *_: object) -> None:
        """The language chosen at the start, else Finnish: never what the last citizen chose.

        A meeting language chosen at the start hides the row; a screen-only one shows it as the
        "language of the meeting" step, in the screen language, Finnish selected."""
        chosen = WORDING.language
        step = is_screen_only(chosen)
        self.screen_language = chosen if step else (chosen or DEFAULT_LANGUAGE)
        self.row.opacity, self.row.disabled = (0, True) if chosen and not step else (1, False)
        self.step.text = in_language("meeting_language", chosen) if step and chosen else ""
        self.note.text = in_language("interpreter_note", chosen) if step and chosen else ""
        shift = STEP_HEIGHT if step else 0
        self.row.pos_hint = {"center_x": 0.5, "top": 0.89 + (0.02 if step else 0)}
        self.title.pos_hint = {"center_x": 0.5, "top": 0.76 - shift}
        self.grid.pos_hint = {"center_x": 0.5, "top": 0.66 - shift}
        self.empty.pos_hint = {"center_x": 0.5, "top": 0.6 - shift}
        self.select_language(DEFAULT_LANGUAGE if step else (chosen or DEFAULT_LANGUAGE))

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def targets(self) -> dict[str, Widget]:
        named: dict[str, Widget] = {}
        if not WORDING.language or is_screen_only(WORDING.language):
            named.update({f"lang:{lang}": b for lang, b in self.language_buttons.items()})
        named.update({f"service:{sid}": b for sid, b in self.service_buttons.items()})
        named["back"] = self.back
        return named
