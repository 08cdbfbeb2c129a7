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


def domain(value: str) -> str:
    if value not in DOMAINS:
        raise TextError(f"domain: {value!r} is not a text domain; use one of {', '.join(DOMAINS)}")
    return value


def po_path(dom: str, lang: Language | str, root: Path | None = None) -> Path:
    """The PO file of ``dom`` in ``lang`` under ``root`` (default :data:`LOCALE_DIR`, read at call time)."""
    return (root or LOCALE_DIR) / language(lang).value / "LC_MESSAGES" / f"{domain(dom)}.po"


def catalog(dom: str, lang: Language | str, root: Path | None = None) -> Catalog:
    """The parsed PO file (Babel's :class:`Catalog`), fuzzy entries included so checks can see them."""
    return _catalog(po_path(dom, lang, root), language(lang))


def translations(dom: str, lang: Language | str, root: Path | None = None) -> gettext.GNUTranslations:
    """The catalogue as standard gettext :class:`~gettext.GNUTranslations`.

    Babel writes the MO form into memory (fuzzy entries left out, as ``msgfmt``
    does) and gettext reads it back: the lookups, plural formulas and context
    handling are then exactly gettext's own.
    """
    return _translations(po_path(dom, lang, root), language(lang))


@functools.cache
def _catalog(path: Path, lang: Language) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang.value, domain=path.stem)


@functools.cache
def _translations(path: Path, lang: Language) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(path, lang), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def clear_cache() -> None:
    """Forget every loaded catalogue (after ``texts extract`` rewrote the PO files)."""
    _catalog.cache_clear()
    _translations.cache_clear()
