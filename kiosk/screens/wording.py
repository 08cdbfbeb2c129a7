"""The screens' words in the citizen's one language: every label is bound here, re-labelled on a change.

Screens are built once at start-up and live for the booth's life, so a label
cannot just be given its text at construction: it is bound to a text key (or a
function of the language) and ``WORDING.set_language`` re-labels every bound
widget when the session's ``Show`` brings another language (``None`` = every
language, before the citizen chose). Texts a screen sets later (a queue line, a
notice) are looked up with ``WORDING.say`` at that moment. One instance,
``WORDING``, shared by every screen: a new screen binds its labels to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.i18n import LANGUAGES, say

#: Makes a widget's text from the language (None: every language).
Render = Callable[[str | None], str]


class Wording:
    """The language the screens speak now, and every widget text that follows it (UI thread only)."""

    def __init__(self) -> None:
        self.language: str | None = None
        self._bound: list[tuple[Any, Render]] = []
        self._listeners: list[Callable[[str | None], None]] = []

    def say(self, key: str, sep: str = "\n") -> str:
        """``key`` in the language spoken now (every language before a choice)."""
        return say(key, self.language, sep)

    def bind(self, widget: Any, key: str, sep: str = "\n", prefix: str = "") -> Any:
        """``widget.text`` is ``prefix`` + ``key`` in the language spoken now, from now on."""
        return self.render(widget, lambda lang: prefix + say(key, lang, sep))

    def render(self, widget: Any, render: Render) -> Any:
        """``widget.text`` is ``render(language)``, re-rendered on each change; returns ``widget``."""
        self._bound.append((widget, render))
        widget.text = render(self.language)
        return widget

    def on_change(self, listener: Callable[[str | None], None]) -> None:
        """``listener(language)`` after each change (for a screen that re-lays itself out)."""
        self._listeners.append(listener)

    def set_language(self, language: str | None) -> None:
        language = language if language in LANGUAGES else None
        if language == self.language:
            return
        self.language = language
        for widget, render in self._bound:
            widget.text = render(language)
        for listener in self._listeners:
            listener(language)


WORDING = Wording()
