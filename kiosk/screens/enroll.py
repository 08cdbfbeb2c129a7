"""The enrollment screen: shown on a booth's first start until it has a certificate.

For the technician, not the citizen: one language (Finnish), large text. The
booth's short code (its key's fingerprint, also in the audit log of the
enrollment) and a keypad of the token's characters; OK sends the token
(``kiosk.enrollment``). A token file on the USB stick works without typing.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.enrollment import KEYS, EnrollStatus, EnrollView, TokenEntry
from kiosk.i18n import say
from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label
from kiosk.screens.theme import THEME

KEY_COLOUR = (0.15, 0.32, 0.50, 1)
ERASE_COLOUR = (0.35, 0.35, 0.4, 1)
DISABLED_COLOUR = (0.25, 0.30, 0.35, 1)
#: The technician's language on this screen.
LANGUAGE = "fi"


class EnrollScreen(BoothScreen):
    def __init__(self, on_submit: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(name="enroll", **kwargs)
        self.entry = TokenEntry()
        self._on_submit = on_submit
        self._sending = False
        column = BoxLayout(orientation="vertical", padding=30, spacing=10)
        column.add_widget(big_label(say("enroll_title", LANGUAGE), 0.04, size_hint_y=0.1))
        self.code = big_label("", 0.035, size_hint_y=0.08)
        column.add_widget(self.code)
        column.add_widget(big_label(say("enroll_hint", LANGUAGE), 0.022, size_hint_y=0.1))
        self.typed = big_label("", 0.05, size_hint_y=0.1)
        column.add_widget(self.typed)
        self.notice = big_label("", 0.022, size_hint_y=0.1)
        column.add_widget(self.notice)
        pad = GridLayout(cols=8, spacing=8, size_hint=(0.9, 0.45), pos_hint={"center_x": 0.5})
        self.keys: dict[str, Widget] = {}
        for key in (*KEYS, "erase", "ok"):
            text = {"erase": say("enroll_erase", LANGUAGE), "ok": "OK"}.get(key, key)
            button = big_button(text, {"erase": ERASE_COLOUR, "ok": ACCENT}.get(key, KEY_COLOUR))
            button.bind(on_release=lambda _b, k=key: self.press(k))
            pad.add_widget(button)
            self.keys[key] = button
        column.add_widget(pad)
        self.add_widget(column)
        self._refresh()

    def press(self, key: str) -> None:
        if key == "erase":
            self.entry.erase()
        elif key == "ok":
            if self.entry.complete and not self._sending:
                self._sending = True
                self._on_submit(self.entry.take())
        else:
            self.entry.press(key)
        self._refresh()

    def set_view(self, view: EnrollView) -> None:
        self.code.text = say("enroll_code", LANGUAGE) + " " + view.code
        self._sending = view.status is EnrollStatus.SENDING
        words = say(view.status.value, LANGUAGE)
        self.notice.text = words + (f"\n{view.reason}" if view.reason else "")  # the backend's reason, as sent
        self._refresh()

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def targets(self) -> dict[str, Widget]:
        """Tappable widgets by name, for the booth's status file (the e2e tests tap them)."""
        return {f"key:{key}": button for key, button in self.keys.items()}

    def _refresh(self) -> None:
        self.typed.text = self.entry.shown or "_"
        ok = self.keys["ok"]
        ready = self.entry.complete and not self._sending
        ok.disabled = not ready  # type: ignore[attr-defined]
        THEME.paint(ok, ACCENT if ready else DISABLED_COLOUR, go=ready)  # type: ignore[arg-type]
