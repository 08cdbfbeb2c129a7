"""The gettext catalogues: PO files read with Babel at run time, cached per domain and language.

Why no compiled .mo files: they would be a second copy of every text to keep in
step with the PO files, and a build step the booth image, the backend and the
tests would all have to run. Reading a PO file takes milliseconds and happens
once per (domain, language) per process.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from protocol.messages import Language

#: The three catalogues: what the booth shows and prints, what the backend sends
#: (SMS, e-mail, check-in answers, advisor alerts), and the browser apps.
DOMAINS = ("booth", "backend", "web")

#: The booth's screen-only languages: its screens (and spoken guidance) speak them, but no official
#: meets in them (the meeting is in a ``protocol.messages.Language``, perhaps with an interpreter).
#: The one list of them: the booth catalogue has one PO file each, ``scripts/texts`` keeps and checks
#: it like the others, and the kiosk offers each on its start screen. See docs/TEXTS.md.
SCREEN_ONLY_LANGUAGES: tuple[str, ...] = ("ru",)

#: Where the PO files live: ``LOCALE_DIR/<lang>/LC_MESSAGES/<domain>.po``.
LOCALE_DIR = Path(__file__).parent / "locale"


class TextError(ValueError):
    """A text that cannot be looked up; the message names the field and what is accepted."""


def language(value: Language | str) -> Language:
    """``value`` as a :class:`Language`, or :class:`TextError` naming the accepted ones."""
    try:
        return Language(value)
    except ValueError:
        accepted = ", ".join(lang.value for lang in Language)
        raise TextError(f"language: {value!r} is not offered; use one of {accepted}") from None


def languages(dom: str) -> tuple[str, ...]:
    """The languages ``dom`` has a catalogue in: the meeting languages, and for the booth its screen-only ones."""
    meeting = tuple(lang.value for lang in Language)
    return meeting + SCREEN_ONLY_LANGUAGES if domain(dom) == "booth" else meeting


def catalogue_language(dom: str, value: Language | str) -> str:
    """``value`` as a language code ``dom`` has a catalogue in, or :class:`TextError` naming them."""
    code = value.value if isinstance(value, Language) else str(value)
    if code not in languages(dom):
        raise TextError(f"language: {value!r} has no {dom} catalogue; use one of {', '.join(languages(dom))}")
    return code


def domain(value: str) -> str:
    if value not in DOMAINS:
        raise TextError(f"domain: {value!r} is not a text domain; use one of {', '.join(DOMAINS)}")
    return value


def po_path(dom: str, lang: Language | str, root: Path | None = None) -> Path:
    """The PO file of ``dom`` in ``lang`` under ``root`` (default :data:`LOCALE_DIR`, read at call time)."""
    return (root or LOCALE_DIR) / catalogue_language(dom, lang) / "LC_MESSAGES" / f"{domain(dom)}.po"


def catalog(dom: str, lang: Language | str, root: Path | None = None) -> Catalog:
    """The parsed PO file (Babel's :class:`Catalog`), fuzzy entries included so checks can see them."""
    return _catalog(po_path(dom, lang, root), catalogue_language(dom, lang))


def translations(dom: str, lang: Language | str, root: Path | None = None) -> gettext.GNUTranslations:
    """The catalogue as standard gettext :class:`~gettext.GNUTranslations`.

    Babel writes the MO form into memory (fuzzy entries left out, as ``msgfmt``
    does) and gettext reads it back: the lookups, plural formulas and context
    handling are then exactly gettext's own.
    """
    return _translations(po_path(dom, lang, root), catalogue_language(dom, lang))


@functools.cache
def _catalog(path: Path, lang: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=path.stem)


@functools.cache
def _translations(path: Path, lang: str) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(path, lang), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def clear_cache() -> None:
    """Forget every loaded catalogue (after ``texts extract`` rewrote the PO files)."""
    _catalog.cache_clear()
    _translations.cache_clear()
