"""One text layer for the booth, the backend and the browser apps: gettext catalogues read with Babel.

Every text a person reads is written once, in English, at the place that uses
it; its Finnish and Swedish live in ``texts/locale/<lang>/LC_MESSAGES/<domain>.po``.
The English source text is the msgid, so a call site reads as what it says.
Placeholders are ``str.format`` fields (``{code}``), filled after the lookup, so
a translation may put them in any order.

Call sites use short local wrappers that the extractor knows (see
``texts.extract.PY_KEYWORDS``)::

    _ = texts.Domain("backend").gettext          # _(lang, "Booking code {code}", code=...)
    _all = texts.Domain("booth").in_all          # _all("Welcome") -> {fi: ..., sv: ..., en: ...}
    N_ = texts.N_                                # marks a msgid kept in a table

``docs/TEXTS.md`` says how to add a text or a language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from protocol.messages import Language
from texts.catalogues import DOMAINS, LOCALE_DIR, SCREEN_ONLY_LANGUAGES, TextError, catalog, translations
from texts.catalogues import language as as_language
from texts.dates import HELSINKI, format_clock, format_date, format_when

__all__ = [
    "DOMAINS",
    "HELSINKI",
    "LOCALE_DIR",
    "N_",
    "SCREEN_ONLY_LANGUAGES",
    "Domain",
    "Language",
    "TextError",
    "as_language",
    "format_clock",
    "format_date",
    "format_when",
    "gettext",
    "in_all",
    "ngettext",
    "pgettext",
    "web_catalogue",
]

#: gettext's context separator: a msgctxt-ed entry is keyed "ctxt\x04msgid".
CONTEXT_SEPARATOR = "\x04"


def N_(msgid: str) -> str:
    """Marks ``msgid`` for extraction where it is kept in a table and translated later."""
    return msgid


def _fill(text: str, fmt: dict[str, Any]) -> str:
    return text.format(**fmt) if fmt else text


def gettext(domain: str, lang: Language | str, msgid: str, **fmt: Any) -> str:
    """``msgid`` in ``lang``, its ``{fields}`` filled from ``fmt``; the English msgid if untranslated.

    ``lang`` is a meeting language, or for the booth domain a screen-only one (Russian)."""
    return _fill(translations(domain, lang).gettext(msgid), fmt)


def ngettext(domain: str, lang: Language | str, singular: str, plural: str, n: int, **fmt: Any) -> str:
    """The form of ``singular``/``plural`` for ``n`` by ``lang``'s plural rule; ``{n}`` is filled too."""
    return _fill(translations(domain, lang).ngettext(singular, plural, n), {"n": n, **fmt})


def pgettext(domain: str, lang: Language | str, context: str, msgid: str, **fmt: Any) -> str:
    """``msgid`` in the meaning ``context`` (for one English text that needs two translations)."""
    return _fill(translations(domain, lang).pgettext(context, msgid), fmt)


def in_all(domain: str, msgid: str, **fmt: Any) -> dict[Language, str]:
    """``msgid`` in every language, Finnish first: the booth shows all three at once."""
    return {lang: gettext(domain, lang, msgid, **fmt) for lang in Language}


def web_catalogue(lang: Language | str) -> dict[str, Any]:
    """The browser apps' catalogue for ``lang`` as JSON: ``{"language", "plural", "messages"}``.

    ``plural`` is the C expression of the PO header (``n != 1``) for the page to
    evaluate; ``messages`` maps each msgid (``ctxt\\x04msgid`` with a context) to
    its text, or to the list of plural forms. Untranslated and fuzzy entries are
    left out, so the page shows its English source text for them.
    """
    code = as_language(lang)
    cat = catalog("web", code)
    messages: dict[str, str | list[str]] = {}
    for message in cat:
        if not message.id or message.fuzzy:
            continue
        singular = message.id[0] if isinstance(message.id, tuple | list) else message.id
        key = f"{message.context}{CONTEXT_SEPARATOR}{singular}" if message.context else singular
        if isinstance(message.string, tuple | list):
            if all(message.string):
                messages[key] = list(message.string)
        elif message.string:
            messages[key] = message.string
    return {"language": code.value, "plural": cat.plural_expr, "messages": messages}


@dataclass(frozen=True)
class Domain:
    """One catalogue's lookups with the domain bound, for a module's ``_``-style wrappers."""

    name: str

    def gettext(self, lang: Language | str, msgid: str, **fmt: Any) -> str:
        return gettext(self.name, lang, msgid, **fmt)

    def ngettext(self, lang: Language | str, singular: str, plural: str, n: int, **fmt: Any) -> str:
        return ngettext(self.name, lang, singular, plural, n, **fmt)

    def pgettext(self, lang: Language | str, context: str, msgid: str, **fmt: Any) -> str:
        return pgettext(self.name, lang, context, msgid, **fmt)

    def in_all(self, msgid: str, **fmt: Any) -> dict[Language, str]:
        return in_all(self.name, msgid, **fmt)
