"""The official's "what next" on the booth: their words, large, with Print and Back to the meeting.

The text comes from the official in the call (``summary.send``) in their own
words; this screen shows it as it is (the notice line above it says whether it
is printing or printed). It is wiped when the screen is left for good: the call
ending clears the machine's copy, and the next citizen sees none of it.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label
from kiosk.screens.wording import WORDING


class SummaryScreen(BoothScreen):
    def __init__(self, on_print: Callable[[], None], on_back: Callable[[], None], **kwargs: object) -> None:
        super().__init__(name="summary", **kwargs)
        column = BoxLayout(orientation="vertical", padding=50, spacing=16)
        column.add_widget(WORDING.bind(big_label("", 0.05, size_hint_y=0.12), "what_next", "  ·  "))
        self.notice = big_label("", 0.025, size_hint_y=0.12)
        column.add_widget(self.notice)
        self.text = big_label("", 0.03, size_hint_y=0.5)
        column.add_widget(self.text)
        buttons = BoxLayout(orientation="horizontal", spacing=20, size_hint_y=0.16)
        self.print = WORDING.bind(big_button("", ACCENT, background_disabled_normal=""), "print", " · ")
        self.print.bind(on_release=lambda *_: on_print())
        self.back = WORDING.bind(big_button("", (0.35, 0.35, 0.4, 1), halign="center"), "back_to_meeting")
        self.back.bind(height=lambda b, h: setattr(b, "font_size", max(14, h * 0.2)))  # three lines fit
        self.back.bind(on_release=lambda *_: on_back())
        buttons.add_widget(self.print)
        buttons.add_widget(self.back)
        column.add_widget(buttons)
        self.add_widget(column)

    def set_notice(self, text: str) -> None:
        """The app passes the notice and the official's text as lines: the last paragraph block is the text."""
        self.notice.text = text

    def set_summary(self, text: str, busy: bool) -> None:
        self.text.text = text
        self.print.disabled = busy

    def on_leave(self, *_: object) -> None:
        self.notice.text = ""

    def targets(self) -> dict[str, Widget]:
        return {"print": self.print, "back": self.back}
