"""Reading what the booth showed: the widget dump it writes beside each debug screenshot.

``kiosk.screens.dump`` writes ``<screen>[-<notice>][-<language>].json`` next to
the PNG: every visible text with its font size, rendered height and colours.
These helpers judge a screen as a citizen would read it: one language only,
text large enough, contrast at least WCAG AA.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.contrast import AA_LARGE, AA_NORMAL, over, ratio
from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, TEXTS, in_language
from tests.support.waiting import wait_for

#: WCAG's "large text": 18 pt (24 px), or 14 pt (18.66 px) bold.
LARGE_PX, LARGE_BOLD_PX = 24.0, 18.66


def read_dump(shots: Path, name: str, timeout: float = 20) -> dict[str, Any]:
    """The widget dump of the screenshot ``name`` once the kiosk has written it."""
    path = shots / f"{name}.json"
    return wait_for(f"the screen dump {name}.json", lambda: path.exists() and json.loads(path.read_text()), timeout)


def foreign_words(language: str) -> set[str]:
    """Every booth text of the other languages that differs from ``language``'s own, and their names."""
    own = {key: in_language(key, language) for key in TEXTS}
    out = {LANGUAGE_NAMES[lang] for lang in LANGUAGES if lang != language}
    for key in TEXTS:
        for lang in LANGUAGES:
            other = in_language(key, lang)
            if lang != language and other != own[key] and len(other) >= 4:
                out.add(other)
    return out


#: People's names the demo's calls show (the official's caption): data, not language, though
#: "Virkailija" is also the Finnish for "official".
PEOPLE = ("Veera Virkailija",)


def other_language_on(dump: dict[str, Any], language: str) -> list[str]:
    """Texts on the screen that carry another language's words (empty when the screen speaks one);
    people's names (``PEOPLE``) are left out of the comparison."""
    foreign = foreign_words(language)

    def words(text: str) -> str:
        for name in PEOPLE:
            text = text.replace(name, "")
        return text

    return [t["text"] for t in dump["texts"] if any(f in words(t["text"]) for f in foreign)]


def low_contrast(dump: dict[str, Any]) -> list[tuple[str, float]]:
    """Texts below WCAG AA for their size: 4.5:1, or 3:1 for large text."""
    out = []
    for t in dump["texts"]:
        large = t["font_size"] >= LARGE_PX or (t["bold"] and t["font_size"] >= LARGE_BOLD_PX)
        got = ratio(over(t["color"], t["background"]), t["background"])
        if got < (AA_LARGE if large else AA_NORMAL):
            out.append((t["text"], round(got, 2)))
    return out


def smallest_text(dump: dict[str, Any]) -> float:
    """The smallest font size on the screen, px."""
    return min(t["font_size"] for t in dump["texts"])


def cut_texts(dump: dict[str, Any]) -> list[tuple[str, float, float]]:
    """Texts taller, laid out at their width, than the widget showing them: their last lines are cut off."""
    return [
        (t["text"], t["needed_height"], t["size"][1])
        for t in dump["texts"]
        if t.get("needed_height", 0.0) > t["size"][1] + 1.0
    ]


def small_targets(dump: dict[str, Any]) -> list[tuple[str, list[float]]]:
    """Buttons smaller than the 15 mm touch target in either direction."""
    least = dump["min_target_px"] - 0.5
    return [(t["text"], t["size"]) for t in dump["texts"] if t.get("button") and min(t["size"]) < least]
