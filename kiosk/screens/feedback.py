"""Quick feedback on the booth: one question at a time, five large choices, and Skip.

The question (in every language) comes as the screen's notice; 5 is the best
and stands first, as on the paper forms the seed describes (5 = very
satisfied ... 1 = very dissatisfied). The answers live in the session machine
until they are sent, and nothing of them is kept on the booth.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.screens.common import BoothScreen, big_button, big_label
from kiosk.screens.wording import WORDING

#: From the best to the worst, left to right; green to red so the scale reads at a glance.
SCORES = (5, 4, 3, 2, 1)
COLOURS = {5: (0.0, 0.50, 0.30, 1), 4: (0.25, 0.55, 0.30, 1), 3: (0.45, 0.45, 0.35, 1), 2: (0.60, 0.38, 0.25, 1)}
COLOURS[1] = (0.65, 0.25, 0.22, 1)


class FeedbackScreen(BoothScreen):
    def __init__(self, on_answer: Callable[[int | None], None], **kwargs: object) -> None:
        super().__init__(name="feedback", **kwargs)
        column = BoxLayout(orientation="vertical", padding=50, spacing=20)
        column.add_widget(WORDING.bind(big_label("", 0.045, size_hint_y=0.1), "feedback_title", "  ·  "))
        self.question = big_label("", 0.03, size_hint_y=0.35)
        column.add_widget(self.question)
        row = BoxLayout(orientation="horizontal", spacing=16, size_hint_y=0.28)
        self.scores: dict[int, Widget] = {}
        for score in SCORES:
            button = big_button(str(score), COLOURS[score])
            button.bind(on_release=lambda _b, s=score: on_answer(s))
            row.add_widget(button)
            self.scores[score] = button
        column.add_widget(row)
        column.add_widget(WORDING.bind(big_label("", 0.02, size_hint_y=0.08), "feedback_scale", "  ·  "))
        self.skip = WORDING.bind(
            big_button("", (0.35, 0.35, 0.4, 1), size_hint=(0.6, 0.12), pos_hint={"center_x": 0.5}), "skip", " · "
        )
        self.skip.bind(on_release=lambda *_: on_answer(None))
        column.add_widget(self.skip)
        self.add_widget(column)

    def set_notice(self, text: str) -> None:
        self.question.text = text

    def targets(self) -> dict[str, Widget]:
        named = {f"score:{score}": button for score, button in self.scores.items()}
        named["skip"] = self.skip
        return named
