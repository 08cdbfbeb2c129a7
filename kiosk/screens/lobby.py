"""The lobby: the citizen waits for an official, and may still change their mind.

The queue line (place and estimated wait) comes from the backend's
``queue.status``; it is blank until the first one arrives, and blanked when
the citizen leaves the lobby, so a stale estimate is never shown to the next.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.animation import Animation
from kivy.graphics import Color, Ellipse
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.i18n import all_languages, lobby_heading, queue_text
from kiosk.screens.common import BoothScreen, big_button, big_label


class _Pulse(Widget):
    """A softly pulsing dot: the booth is alive and waiting, not frozen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            self._colour = Color(1, 1, 1, 0.8)
            self._dot = Ellipse()
        self.bind(pos=self._place, size=self._place)
        anim = Animation(a=0.2, duration=1.0) + Animation(a=0.8, duration=1.0)
        anim.repeat = True
        anim.start(self._colour)

    def _place(self, *_: object) -> None:
        d = min(self.width, self.height) * 0.5
        self._dot.size = (d, d)
        self._dot.pos = (self.center_x - d / 2, self.center_y - d / 2)


class LobbyScreen(BoothScreen):
    def __init__(self, on_cancel: Callable[[], None], **kwargs: object) -> None:
        super().__init__(name="lobby", **kwargs)
        column = BoxLayout(orientation="vertical", padding=60, spacing=20)
        self.heading = big_label(lobby_heading(None, queued=False), 0.04, size_hint_y=0.3)
        column.add_widget(self.heading)
        self.queue = big_label("", 0.045, size_hint_y=0.2)
        column.add_widget(self.queue)
        column.add_widget(_Pulse(size_hint_y=0.15))
        self.notice = big_label("", 0.03, size_hint_y=0.15)
        column.add_widget(self.notice)
        self.cancel = big_button(
            all_languages("cancel", "  ·  "), (0.35, 0.35, 0.4, 1), size_hint=(0.4, 0.15), pos_hint={"center_x": 0.5}
        )
        self.cancel.bind(on_release=lambda *_: on_cancel())
        column.add_widget(self.cancel)
        self.add_widget(column)

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def set_queue(self, position: int, wait_min: int | None) -> None:
        self.queue.text = queue_text(position, wait_min)
        self.heading.text = lobby_heading(wait_min)

    def on_leave(self, *_: object) -> None:
        self.queue.text = ""
        self.heading.text = lobby_heading(None, queued=False)

    def targets(self) -> dict[str, Widget]:
        return {"cancel": self.cancel}
