"""The technician's touch self-test: touch five crosshairs, see where Kivy thinks you touched.

A rotated or mirrored panel, or one that is off by a centimetre, is obvious
at a glance: each touch leaves a dot where it landed and a line to its
target, and the screen says what is wrong in the terms of the booth config
("touches are mirrored left-right: flip touch.invert_x"). The arithmetic is
``drivers.touch.diagnose``; this screen only draws and collects touches.
Not for citizens: the technician reaches it from the service menu.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Ellipse, InstructionGroup, Line
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout

from drivers.touch import Point, TouchDiagnosis, diagnose
from kiosk.screens.common import ACCENT, BoothScreen, big_button, big_label

#: Targets as fractions of the screen: the four corners (inset so a bezel
#: does not hide them) and the centre, in the order the technician touches.
TARGETS: tuple[Point, ...] = ((0.1, 0.9), (0.9, 0.9), (0.9, 0.1), (0.1, 0.1), (0.5, 0.5))
ARM = 30  # crosshair half-length, px
DOT = 16  # touch dot diameter, px


class TouchTestScreen(BoothScreen):
    def __init__(self, on_done: Callable[[TouchDiagnosis | None], None], **kwargs: object) -> None:
        super().__init__(name="touchtest", **kwargs)
        self.on_done = on_done
        self.pairs: list[tuple[Point, Point]] = []
        self.diagnosis: TouchDiagnosis | None = None
        root = FloatLayout()
        self.status = big_label("", 0.04, size_hint=(0.8, 0.2), pos_hint={"center_x": 0.5, "center_y": 0.7})
        root.add_widget(self.status)
        self.buttons = BoxLayout(spacing=20, size_hint=(0.5, 0.12), pos_hint={"center_x": 0.5, "center_y": 0.3})
        again = big_button("Again / Uudelleen", ACCENT)
        again.bind(on_release=lambda *_: self.restart())
        done = big_button("Done / Valmis", (0.3, 0.3, 0.3, 1))
        done.bind(on_release=lambda *_: self.on_done(self.diagnosis))
        self.buttons.add_widget(again)
        self.buttons.add_widget(done)
        root.add_widget(self.buttons)
        self.add_widget(root)
        self._marks = InstructionGroup()
        self.canvas.after.add(self._marks)
        self.bind(size=lambda *_: self.restart(), pos=lambda *_: self.restart())
        self.restart()

    # -- geometry ---------------------------------------------------------------------------
    def target_px(self, n: int) -> Point:
        fx, fy = TARGETS[n]
        return (self.x + fx * self.width, self.y + fy * self.height)

    @property
    def finished(self) -> bool:
        return len(self.pairs) >= len(TARGETS)

    # -- flow -------------------------------------------------------------------------------
    def restart(self) -> None:
        self.pairs, self.diagnosis = [], None
        self.buttons.opacity, self.buttons.disabled = 0, True
        self.status.text = f"Touch the centre of the highlighted cross (1/{len(TARGETS)})"
        self._redraw()

    def on_touch_down(self, touch: object) -> bool:
        if self.finished:
            return super().on_touch_down(touch)  # the Again / Done buttons
        target = self.target_px(len(self.pairs))
        x, y = touch.pos  # type: ignore[attr-defined]
        self.pairs.append((target, (x, y)))
        dx, dy = x - target[0], y - target[1]
        if self.finished:
            size = (self.width, self.height)
            local = [((tx - self.x, ty - self.y), (px - self.x, py - self.y)) for (tx, ty), (px, py) in self.pairs]
            self.diagnosis = diagnose(local, size)
            self.status.text = ("OK: " if self.diagnosis.ok else "PROBLEM: ") + self.diagnosis.advice
            self.buttons.opacity, self.buttons.disabled = 1, False
        else:
            self.status.text = (
                f"Last touch {dx:+.0f} px across, {dy:+.0f} px up from its target. "
                f"Next cross ({len(self.pairs) + 1}/{len(TARGETS)})"
            )
        self._redraw()
        return True

    # -- drawing ----------------------------------------------------------------------------
    def _redraw(self) -> None:
        self._marks.clear()
        for n in range(len(TARGETS)):
            tx, ty = self.target_px(n)
            current = n == len(self.pairs)
            self._marks.add(Color(1, 0.85, 0, 1) if current else Color(1, 1, 1, 0.6))
            width = 3 if current else 1.5
            self._marks.add(Line(points=[tx - ARM, ty, tx + ARM, ty], width=width))
            self._marks.add(Line(points=[tx, ty - ARM, tx, ty + ARM], width=width))
        for (tx, ty), (px, py) in self.pairs:
            self._marks.add(Color(1, 0.2, 0.2, 1))
            self._marks.add(Line(points=[tx, ty, px, py], width=1.2))
            self._marks.add(Ellipse(pos=(px - DOT / 2, py - DOT / 2), size=(DOT, DOT)))
