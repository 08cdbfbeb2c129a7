"""The attract screen: the language, then Start or "I have a booking"; nothing else to get wrong.

Before a choice it greets in every language and offers each language as a
large button in its own name (no flags: a flag is a country, not a language);
Start in every language works too. A tapped language re-labels the screen
(``Show.language``) and its row gives way to one "change language" button, so
no second language is on screen after the choice.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES
from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label
from kiosk.screens.wording import WORDING

BOOKING_COLOUR = (0.15, 0.42, 0.65, 1)  # blue: the second choice, not competing with green Start
LANGUAGE_COLOUR = (0.15, 0.32, 0.50, 1)


class AttractScreen(BoothScreen):
    def __init__(
        self,
        on_start: Callable[[], None],
        on_booking: Callable[[], None],
        on_language: Callable[[str | None], None] = lambda _lang: None,
        **kwargs: object,
    ) -> None:
        super().__init__(name="attract", **kwargs)
        root = FloatLayout()
        column = BoxLayout(
            orientation="vertical", spacing=20, size_hint=(0.8, 0.9), pos_hint={"center_x": 0.5, "center_y": 0.5}
        )
        column.add_widget(WORDING.bind(big_label("", size_hint_y=0.12), "welcome", "  ·  "))
        self.languages = BoxLayout(spacing=20, size_hint_y=0.14)
        self.language_buttons: dict[str, Button] = {}
        for lang in LANGUAGES:
            button = big_button(LANGUAGE_NAMES[lang], LANGUAGE_COLOUR)
            button.bind(on_release=lambda _b, lang=lang: on_language(lang))
            self.languages.add_widget(button)
            self.language_buttons[lang] = button
        self.change_language = WORDING.bind(big_button("", LANGUAGE_COLOUR), "change_language")
        self.change_language.bind(on_release=lambda *_: on_language(None))
        column.add_widget(self.languages)
        self.start_button = WORDING.bind(big_button("", ACCENT, size_hint_y=0.26), "start", "  ·  ")
        self.start_button.bind(on_release=lambda *_: on_start())
        column.add_widget(self.start_button)
        self.booking_button = WORDING.bind(
            big_button("", BOOKING_COLOUR, size_hint=(0.8, 0.15), pos_hint={"center_x": 0.5}), "booking", "  ·  "
        )
        self.booking_button.bind(on_release=lambda *_: on_booking())
        column.add_widget(self.booking_button)
        column.add_widget(WORDING.bind(big_label("", 0.03, size_hint_y=0.17), "start_hint"))
        self.notice = big_label("", 0.03, size_hint_y=0.16)
        column.add_widget(self.notice)
        root.add_widget(column)
        self.add_widget(root)
        WORDING.on_change(self._language_changed)

    def _language_changed(self, language: str | None) -> None:
        """Every language's name before the choice; after it, only "change language" in the chosen one."""
        self.languages.clear_widgets()
        shown = [self.change_language] if language else list(self.language_buttons.values())
        for button in shown:
            self.languages.add_widget(button)

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def targets(self) -> dict[str, Widget]:
        named: dict[str, Widget] = {"start": self.start_button, "booking": self.booking_button}
        if WORDING.language:
            named["change_language"] = self.change_language
        else:
            named.update({f"lang:{lang}": b for lang, b in self.language_buttons.items()})
        return named
