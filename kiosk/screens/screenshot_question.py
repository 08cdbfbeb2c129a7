"""The question over every screen when the support provider asks to see it while a citizen is at the booth.

"Support asks to see this screen." with two large buttons, Allow and Do not
allow, in the citizen's one language. It covers the screen and takes every
touch while it is up (nothing under it can be pressed by mistake); hidden, it
takes none. The decision and its timeout are ``kiosk.screenshot``'s.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.i18n import in_language
from kiosk.screens.common import ACCENT, BACKGROUND, big_button, big_label

#: "Do not allow" is as large as Allow and as easy to reach; neither is preselected.
_DENY = (0.30, 0.30, 0.36, 1)


class ScreenshotQuestion(BoxLayout):
    def __init__(self, on_answer: Callable[[bool], None], **kwargs: object) -> None:
        super().__init__(orientation="vertical", padding=80, spacing=40, **kwargs)
        with self.canvas.before:
            Color(*BACKGROUND)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._layout, size=self._layout)
        self.question = big_label("", 0.07, size_hint_y=0.5)
        self.add_widget(self.question)
        row = BoxLayout(orientation="horizontal", spacing=60, size_hint_y=0.35)
        self.allow = big_button("", ACCENT)
        self.deny = big_button("", _DENY)
        self.allow.bind(on_release=lambda *_: on_answer(True))
        self.deny.bind(on_release=lambda *_: on_answer(False))
        row.add_widget(self.allow)
        row.add_widget(self.deny)
        self.add_widget(row)
        self.add_widget(Widget(size_hint_y=0.15))
        self.show(None)

    def _layout(self, *_: object) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size

    @property
    def shown(self) -> bool:
        return self.opacity > 0

    def show(self, language: str | None) -> None:
        """Ask in ``language``; None hides the question."""
        if language is None:
            self.opacity, self.disabled = 0, True
            self.question.text = self.allow.text = self.deny.text = ""
            return
        self.question.text = in_language("screenshot_question", language)
        self.allow.text = in_language("screenshot_allow", language)
        self.deny.text = in_language("screenshot_deny", language)
        self.opacity, self.disabled = 1, False

    def targets(self) -> dict[str, Widget]:
        return {"screenshot_allow": self.allow, "screenshot_deny": self.deny} if self.shown else {}

    def on_touch_down(self, touch: object) -> bool:
        if not self.shown:
            return False
        super().on_touch_down(touch)
        return True  # nothing under the question is pressed

    def on_touch_move(self, touch: object) -> bool:
        return self.shown and (super().on_touch_move(touch) or True)

    def on_touch_up(self, touch: object) -> bool:
        return self.shown and (super().on_touch_up(touch) or True)
