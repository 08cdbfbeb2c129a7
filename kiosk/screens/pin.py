"""The on-screen PIN keypad for the ID card: big digits, dots, erase, OK.

The citizen types the card's PIN on the booth's own touchscreen (the booths
have no PIN pad reader). All logic is in ``kiosk/pin_entry.py``; this screen
only draws it. The digits never reach a ``Label`` — only dots do — and OK
hands the PIN over with ``PinEntry.take()``: the receiver (the identification
worker) owns the bytearray and wipes it after use. Leaving the screen wipes
whatever was typed.

Texts are passed in by the caller (already translated), so this module does
not depend on the translation tables.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.pin_entry import PinEntry
from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label
from kiosk.screens.theme import THEME

DIGIT_COLOUR = (0.15, 0.32, 0.50, 1)
ERASE_COLOUR = (0.35, 0.35, 0.4, 1)
DISABLED_COLOUR = (0.25, 0.30, 0.35, 1)
#: Kivy's bundled font with the erase glyph.
SYMBOL_FONT = "data/fonts/DejaVuSans.ttf"
#: Keypad layout like a phone / payment terminal: 1-2-3 on top.
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok")


class PinScreen(BoothScreen):
    """Keypad screen. ``on_submit`` gets the PIN bytearray (and must wipe it); ``on_cancel`` gets nothing."""

    def __init__(
        self,
        on_submit: Callable[[bytearray], None],
        on_cancel: Callable[[], None],
        prompt: str = "Enter the PIN of your ID card (PIN 1)",
        erase_text: str = "⌫",
        ok_text: str = "OK",
        cancel_text: str = "Cancel",
        **kwargs: object,
    ) -> None:
        super().__init__(name="pin", **kwargs)
        self.entry = PinEntry()
        self._on_submit, self._on_cancel = on_submit, on_cancel
        column = BoxLayout(orientation="vertical", padding=40, spacing=16)
        self.prompt = big_label(prompt, 0.035, size_hint_y=0.12)
        self.dots = big_label("", 0.06, size_hint_y=0.12)
        self.notice = big_label("", 0.022, size_hint_y=0.15)  # up to three lines: one per language
        column.add_widget(self.prompt)
        column.add_widget(self.dots)
        column.add_widget(self.notice)
        pad = GridLayout(cols=3, spacing=12, size_hint=(0.6, 0.5), pos_hint={"center_x": 0.5})
        self.keys: dict[str, object] = {}
        for key in KEYS:
            text = {"erase": erase_text, "ok": ok_text}.get(key, key)
            colour = {"erase": ERASE_COLOUR, "ok": ACCENT}.get(key, DIGIT_COLOUR)
            button = big_button(text, colour)
            if key == "erase":
                button.font_name = SYMBOL_FONT  # Roboto, Kivy's default, has no erase glyph
            button.bind(on_release=lambda _b, k=key: self.press(k))
            pad.add_widget(button)
            self.keys[key] = button
        column.add_widget(pad)
        cancel = big_button(cancel_text, ERASE_COLOUR, size_hint=(0.75, 0.1), pos_hint={"center_x": 0.5})
        cancel.bind(on_release=lambda *_: self.cancel())
        self.cancel_button = cancel
        column.add_widget(cancel)
        self.add_widget(column)
        self._refresh()

    def press(self, key: str) -> None:
        """A key of the pad (also what a test or a hardware keypad would call)."""
        if key == "erase":
            self.entry.erase()
        elif key == "ok":
            if self.entry.complete:
                pin = self.entry.take()
                self._refresh()
                self._on_submit(pin)
                return
        else:
            self.entry.press(key)
        self._refresh()

    def cancel(self) -> None:
        self.entry.clear()
        self._refresh()
        self._on_cancel()

    def on_leave(self, *_: object) -> None:
        """Whatever was typed does not survive leaving the screen."""
        self.entry.clear()
        self._refresh()

    def set_notice(self, text: str) -> None:
        """E.g. "Wrong PIN, 2 tries left" from the identification result."""
        self.notice.text = text

    def targets(self) -> dict[str, Widget]:
        """Tappable widgets by name, for the booth's status file (the e2e tests tap them)."""
        named: dict[str, Widget] = {f"key:{key}": button for key, button in self.keys.items()}  # type: ignore[misc]
        named["cancel"] = self.cancel_button
        return named

    def _refresh(self) -> None:
        self.dots.text = self.entry.masked
        ok = self.keys["ok"]
        ok.disabled = not self.entry.complete  # type: ignore[attr-defined]
        THEME.paint(ok, ACCENT if self.entry.complete else DISABLED_COLOUR, go=self.entry.complete)  # type: ignore[attr-defined]
