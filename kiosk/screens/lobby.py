"""The lobby: the citizen waits for an official, and may still change their mind.

The queue line (place and estimated wait) comes from the backend's
``queue.status``; it is blank until the first one arrives, and blanked when
the citizen leaves the lobby, so a stale estimate is never shown to the next.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.audio_control import QUIET_DBFS, meter_fraction
from kiosk.i18n import lobby_heading, queue_text
from kiosk.screens.call import VideoView
from kiosk.screens.common import BoothScreen, big_button, big_label
from kiosk.screens.wording import WORDING


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


class LevelMeter(Widget):
    """A big horizontal bar that follows the citizen's voice: green when heard, amber when faint."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            Color(1, 1, 1, 0.15)
            self._track = Rectangle()
            self._colour = Color(0.2, 0.8, 0.4, 1)
            self._bar = Rectangle()
        self.fraction = 0.0
        self.bind(pos=self._place, size=self._place)

    def show(self, fraction: float, heard: bool) -> None:
        self.fraction = fraction
        self._colour.rgba = (0.2, 0.8, 0.4, 1) if heard else (0.95, 0.7, 0.2, 1)
        self._place()

    def _place(self, *_: object) -> None:
        self._track.pos, self._track.size = self.pos, self.size
        self._bar.pos, self._bar.size = self.pos, (self.width * self.fraction, self.height)


#: How often the lobby's meter reads the microphone's level (it is kept by the driver's thread).
METER_S = 0.1
#: How long the level must stay faint before the lobby asks the citizen to come closer.
FAINT_HINT_S = 2.0


class LobbyScreen(BoothScreen):
    def __init__(
        self,
        on_cancel: Callable[[], None],
        level: Callable[[], float] = lambda: -120.0,
        preview: Callable[[], object] = lambda: None,
        **kwargs: object,
    ) -> None:
        super().__init__(name="lobby", **kwargs)
        column = BoxLayout(orientation="vertical", padding=60, spacing=20)
        self.heading = big_label("", 0.04, size_hint_y=0.2)
        self._queue: tuple[int, int | None] | None = None  # the last queue news, re-said on a language change
        WORDING.render(self.heading, self._heading_text)
        column.add_widget(self.heading)
        self.queue = WORDING.render(big_label("", 0.045, size_hint_y=0.15), self._queue_text)
        column.add_widget(self.queue)
        column.add_widget(_Pulse(size_hint_y=0.08))
        # The citizen's self-view, and beside it "we can hear you": a big level meter and a hint
        # to come closer when the voice is faint.
        row = BoxLayout(orientation="horizontal", spacing=30, size_hint_y=0.3)
        self.self_view = VideoView("bgr", size_hint_x=0.4)
        row.add_widget(self.self_view)
        hearing = BoxLayout(orientation="vertical", spacing=10, size_hint_x=0.6)
        self.meter = LevelMeter(size_hint_y=0.3)
        hearing.add_widget(self.meter)
        self.hearing = big_label("", 0.07, size_hint_y=0.7)
        hearing.add_widget(self.hearing)
        row.add_widget(hearing)
        column.add_widget(row)
        self._preview = preview
        self._preview_seen: object = None
        self._level = level
        self._faint_for = 0.0
        self._meter_event = None
        self.notice = big_label("", 0.03, size_hint_y=0.1)
        column.add_widget(self.notice)
        self.cancel = WORDING.bind(
            big_button("", (0.35, 0.35, 0.4, 1), size_hint=(0.4, 0.15), pos_hint={"center_x": 0.5}), "cancel", "  ·  "
        )
        self.cancel.bind(on_release=lambda *_: on_cancel())
        column.add_widget(self.cancel)
        self.add_widget(column)

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def _heading_text(self, language: str | None) -> str:
        if self._queue is None:
            return lobby_heading(None, queued=False, language=language)
        return lobby_heading(self._queue[1], language=language)

    def _queue_text(self, language: str | None) -> str:
        return "" if self._queue is None else queue_text(*self._queue, language=language)

    def set_queue(self, position: int, wait_min: int | None) -> None:
        self._queue = (position, wait_min)
        self.queue.text = self._queue_text(WORDING.language)
        self.heading.text = self._heading_text(WORDING.language)

    def on_enter(self, *_: object) -> None:
        self._faint_for = 0.0
        self._meter_event = Clock.schedule_interval(self._update_meter, METER_S)

    def _update_meter(self, dt: float) -> None:
        frame = self._preview()
        if frame is not None and frame is not self._preview_seen:
            self._preview_seen = frame
            h, w = frame.shape[:2]  # type: ignore[attr-defined]
            self.self_view.show_frame((w, h), frame.tobytes())  # type: ignore[attr-defined]
        level = self._level()
        heard = level >= QUIET_DBFS
        self._faint_for = 0.0 if heard else self._faint_for + dt
        self.meter.show(meter_fraction(level), heard)
        if level <= -119:
            self.hearing.text = WORDING.say("not_heard") if self._faint_for >= FAINT_HINT_S else ""
        elif heard:
            self.hearing.text = WORDING.say("heard", "  ·  ")
        elif self._faint_for >= FAINT_HINT_S:
            self.hearing.text = WORDING.say("come_closer")

    def on_leave(self, *_: object) -> None:
        if self._meter_event is not None:
            self._meter_event.cancel()
            self._meter_event = None
        self.hearing.text = ""
        self.self_view.clear()  # nothing of this citizen stays on screen for the next
        self._preview_seen = None
        self._queue = None
        self.queue.text = ""
        self.heading.text = self._heading_text(WORDING.language)

    def targets(self) -> dict[str, Widget]:
        return {"cancel": self.cancel}
