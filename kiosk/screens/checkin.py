"""Check-in with a booking code: a keypad of exactly the code's alphabet, or a QR code to a camera.

The keypad has the 30 characters a code can contain and nothing else, so a
citizen cannot type a look-alike (there is no 0/O, 1/I/L or Z to confuse),
plus erase and OK; OK is enabled only when the code is complete. The typed
code lives only in this widget (``protocol.booking_code.keypad_input`` does
the arithmetic) and is wiped whenever the screen is left. While the backend
checks the code the keys are locked (``set_busy``); its answer appears in
the message area.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.screens.common import ACCENT, TEXT, BoothScreen, big_button, big_label
from kiosk.screens.theme import THEME
from kiosk.screens.wording import WORDING
from protocol.booking_code import CODE_ALPHABET, ERASE, grouped, is_code, keypad_input

KEY_COLOUR = (0.15, 0.32, 0.50, 1)
ERASE_COLOUR = (0.35, 0.35, 0.4, 1)
DISABLED_COLOUR = (0.25, 0.30, 0.35, 1)
OK = "ok"
#: Eight keys a row: 2-9, then the letters, then erase and OK at the end of the last row.
KEYS = (*CODE_ALPHABET, ERASE, OK)
COLUMNS = 8
#: Shown for the characters still to type.
PLACEHOLDER = "_"
#: Kivy's bundled font with the erase glyph (Roboto, the default, has none).
SYMBOL_FONT = "data/fonts/DejaVuSans.ttf"


class CheckinScreen(BoothScreen):
    def __init__(
        self,
        on_submit: Callable[[str], None],
        on_back: Callable[[], None],
        on_touch: Callable[[], None],
        **kwargs: object,
    ) -> None:
        super().__init__(name="checkin", **kwargs)
        self._on_submit, self._on_back, self._on_touch = on_submit, on_back, on_touch
        self._code = ""
        self._busy = False
        root = FloatLayout()
        root.add_widget(
            WORDING.bind(
                big_label("", 0.12, size_hint=(0.95, 0.07), pos_hint={"center_x": 0.5, "top": 0.9}), "checkin", "  ·  "
            )
        )
        self.display = big_label("", 0.2, size_hint=(0.6, 0.11), pos_hint={"center_x": 0.5, "top": 0.83})
        self.display.bold = True
        root.add_widget(self.display)
        self.notice = Label(
            text="",
            color=TEXT,
            halign="center",
            valign="middle",
            size_hint=(0.95, 0.12),
            pos_hint={"center_x": 0.5, "top": 0.72},
        )
        THEME.label(self.notice)
        self.notice.bind(size=self._fit_notice, text=self._fit_notice)
        THEME.on_change(lambda _look: self._fit_notice())
        root.add_widget(self.notice)
        pad = GridLayout(cols=COLUMNS, spacing=10, size_hint=(0.94, 0.45), pos_hint={"center_x": 0.5, "top": 0.6})
        self.keys: dict[str, Button] = {}
        for key in KEYS:
            text = {ERASE: "⌫", OK: "OK"}.get(key, key)
            colour = {ERASE: ERASE_COLOUR, OK: ACCENT}.get(key, KEY_COLOUR)
            button = big_button(text, colour, background_disabled_normal="")
            if key == ERASE:
                button.font_name = SYMBOL_FONT
            button.bind(on_release=lambda _b, k=key: self.press(k))
            pad.add_widget(button)
            self.keys[key] = button
        root.add_widget(pad)
        self.back = big_button(
            "",
            ERASE_COLOUR,
            background_disabled_normal="",
            size_hint=(0.24, 0.1),
            pos_hint={"x": 0.03, "y": 0.025},
        )
        WORDING.bind(self.back, "back", " · ")
        self.back.bind(on_release=lambda *_: self._back())
        root.add_widget(self.back)
        root.add_widget(
            WORDING.bind(
                big_label("", 0.045, size_hint=(0.66, 0.12), pos_hint={"right": 0.97, "y": 0.015}), "checkin_hint"
            )
        )
        self.add_widget(root)
        self._refresh()

    @property
    def typed_length(self) -> int:
        """How many characters are typed (for tests; the code itself is not exposed)."""
        return len(self._code)

    def press(self, key: str) -> None:
        """A key of the pad (also what a test or a hardware keypad would call)."""
        if self._busy:
            return
        if key == OK:
            if is_code(self._code):
                self._on_submit(self._code)
            return
        self._code = keypad_input(self._code, key)
        self._refresh()
        self._on_touch()

    def _back(self) -> None:
        if not self._busy:
            self._on_back()

    def set_busy(self, busy: bool) -> None:
        """Lock the keys (and Back) while the backend checks the code."""
        self._busy = busy
        self._refresh()

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def clear(self) -> None:
        """Forget the typed code and the last answer."""
        self._code = ""
        self.notice.text = ""
        self._busy = False
        self._refresh()

    def on_leave(self, *_: object) -> None:
        """Nothing the citizen typed stays for the next one."""
        self.clear()

    def _fit_notice(self, *_: object) -> None:
        """The backend's words can be long (three languages, 500 characters each): shrink them to fit."""
        label = self.notice
        width, height = label.size
        size = THEME.scale.font(height * 0.2, THEME.look.large_text)
        label.text_size = (width, None)  # measure the whole text, unclipped
        while True:
            label.font_size = size
            label.texture_update()
            if label.texture_size[1] <= height or size <= THEME.scale.min_text_px:
                break
            size -= 1
        label.text_size = (width, height)

    def targets(self) -> dict[str, Widget]:
        named: dict[str, Widget] = {f"key:{key}": button for key, button in self.keys.items()}
        named["back"] = self.back
        return named

    def _refresh(self) -> None:
        self.display.text = grouped(self._code, PLACEHOLDER)
        complete = is_code(self._code)
        for key, button in self.keys.items():
            enabled = not self._busy and (complete if key == OK else True)
            button.disabled = not enabled
            if key == OK:
                THEME.paint(button, ACCENT if enabled else DISABLED_COLOUR, go=enabled)
            else:
                button.opacity = 0.5 if self._busy else 1.0  # locked keys look locked
        self.back.disabled = self._busy
