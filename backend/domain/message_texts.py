"""The citizen messages an organisation may word for itself, and the rules such a text must keep.

An authority admin can replace the catalogue's wording of the texts the outbox
sends for their organisation's bookings (confirmation, reminders, move,
cancellation, invitation, the feedback question) per language. The outbox uses
the organisation's own text when there is one and the catalogue's
(``backend.domain.notify`` via the ``backend`` text domain) otherwise.

Why rules at all: a text with a placeholder the sender cannot fill would crash
the message or show ``{servise}`` to a citizen; a confirmation without the
booking code or the time is useless; every SMS segment costs money. So a text
is refused — never stored — when it is empty, has an unknown placeholder or a
stray brace, lacks a placeholder the message needs, or, filled with long but
real sample values, takes more SMS segments than the message is allowed.

Pure: no I/O. The default wording comes from the text layer, the stored
wording from the caller.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from backend.domain.notify import _SMS, _SUBJECT, NoticeKind, sms_size
from texts.catalogues import translations

#: The key of the feedback question's text (an SMS after a call whose citizen skipped the quick feedback).
FEEDBACK_REQUEST = "feedback_request"

#: The overall question as an SMS (seed 003 l.680-681), in the booking's language: the default wording.
SMS_QUESTION = {
    "fi": "Kuinka tyytyväinen olit etäpalvelupisteellä asioimiseen kokonaisuutena asteikolla 5–1 "
    "(5 erittäin tyytyväinen … 1 erittäin tyytymätön)? Vastaa numerolla. Voit antaa myös vapaamuotoista palautetta.",
    "sv": "Hur nöjd var du med ditt besök på distansservicepunkten som helhet på skalan 5–1 "
    "(5 mycket nöjd … 1 mycket missnöjd)? Svara med en siffra. Du kan också ge fri respons.",
    "en": "How satisfied were you with your visit to the remote service point as a whole, from 5 to 1 "
    "(5 very satisfied … 1 very dissatisfied)? Reply with a number. You may also add your own words.",
}

LANGUAGES = ("fi", "sv", "en")

#: A long but real value for each placeholder: a text must fit its budget filled with these.
SAMPLE = {
    "fi": {
        "service": "Perustoimeentulotuen hakeminen ja neuvonta",
        "when": "to 26.11.2026 klo 10.00",
        "old_when": "ke 25.11.2026 klo 14.30",
        "point": "Suomi-piste Imatra",
        "address": "Kaupungintalo, Valtakatu 35, 55100 Imatra",
        "code": "K7M2QX",
        "link": "https://etapiste.example.fi/j/8f3k2m9q",
    },
    "sv": {
        "service": "Ansökan om grundläggande utkomststöd och rådgivning",
        "when": "tors 26.11.2026 kl. 10.00",
        "old_when": "ons 25.11.2026 kl. 14.30",
        "point": "Finlandspunkten Imatra",
        "address": "Stadshuset, Valtakatu 35, 55100 Imatra",
        "code": "K7M2QX",
        "link": "https://etapiste.example.fi/j/8f3k2m9q",
    },
    "en": {
        "service": "Applying for basic social assistance and advice",
        "when": "Thu 26 Nov 2026 at 10:00",
        "old_when": "Wed 25 Nov 2026 at 14:30",
        "point": "Suomi-piste Imatra",
        "address": "Town hall, Valtakatu 35, 55100 Imatra",
        "code": "K7M2QX",
        "link": "https://etapiste.example.fi/j/8f3k2m9q",
    },
}


@dataclass(frozen=True)
class TextSpec:
    """One editable text: which placeholders it may use, which it must use, and its SMS budget.

    ``part`` is ``sms`` (the SMS, which also opens the e-mail's body) or
    ``subject`` (the e-mail's subject line). ``max_segments`` is None for a
    subject; ``max_chars`` bounds every text.
    """

    key: str
    kind: str
    part: str
    allowed: frozenset[str]
    required: frozenset[str]
    max_segments: int | None
    max_chars: int


_BOOKING_FIELDS = frozenset({"service", "when", "point", "address", "code"})
_FIELDS: dict[NoticeKind, frozenset[str]] = {
    NoticeKind.CONFIRMATION: _BOOKING_FIELDS,
    NoticeKind.REMINDER_DAY_BEFORE: _BOOKING_FIELDS,
    NoticeKind.REMINDER_SAME_DAY: _BOOKING_FIELDS,
    NoticeKind.RESCHEDULE: _BOOKING_FIELDS | {"old_when"},
    NoticeKind.CANCELLATION: _BOOKING_FIELDS,
    NoticeKind.THIRD_PARTY_INVITATION: frozenset({"service", "when", "link"}),
}
#: What the citizen cannot do without: the time and the code (the invitation: the link to join with).
_REQUIRED: dict[NoticeKind, frozenset[str]] = {
    k: frozenset({"link"}) if k is NoticeKind.THIRD_PARTY_INVITATION else frozenset({"when", "code"})
    for k in NoticeKind
}


#: The one-time code a third party joins with is not an organisation's to reword: its wording is
#: part of the security of the link (docs/GUESTS.md), the same for every organisation.
_FIXED_KINDS = frozenset({NoticeKind.GUEST_CODE})


def _specs() -> dict[str, TextSpec]:
    out: dict[str, TextSpec] = {}
    for kind in NoticeKind:
        if kind in _FIXED_KINDS:
            continue
        out[f"{kind.value}.sms"] = TextSpec(
            f"{kind.value}.sms", kind.value, "sms", _FIELDS[kind], _REQUIRED[kind], 2, 459
        )
        out[f"{kind.value}.subject"] = TextSpec(
            f"{kind.value}.subject", kind.value, "subject", _FIELDS[kind], frozenset(), None, 200
        )
    out[f"{FEEDBACK_REQUEST}.sms"] = TextSpec(
        f"{FEEDBACK_REQUEST}.sms", FEEDBACK_REQUEST, "sms", frozenset(), frozenset(), 4, 268
    )
    return out


#: Every editable text, by key (``<kind>.<part>``), in a stable order for the admin app.
SPECS: dict[str, TextSpec] = _specs()


class MessageTextError(ValueError):
    """A text that must not be stored; the message names the field and the rule (never echoes the text)."""


def default_text(key: str, language: str) -> str:
    """The catalogue's wording of ``key`` in ``language`` (placeholders unfilled)."""
    spec = spec_of(key)
    if spec.kind == FEEDBACK_REQUEST:
        return SMS_QUESTION[language]
    kind = NoticeKind(spec.kind)
    msgid = _SMS[kind] if spec.part == "sms" else _SUBJECT[kind]
    return translations("backend", language).gettext(msgid)


def spec_of(key: str) -> TextSpec:
    spec = SPECS.get(key)
    if spec is None:
        raise MessageTextError(f"key: no message text {key!r}; use one of {', '.join(SPECS)}")
    return spec


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise MessageTextError(f"language: {language!r} is not offered; use one of {', '.join(LANGUAGES)}")
    return language


def placeholders(text: str) -> set[str]:
    """The ``{names}`` in ``text``; raises for a stray brace, a format spec or an attribute/index."""
    found: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise MessageTextError(
            "text: a brace { or } stands alone; write placeholders as {service} and nothing else in braces"
        ) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise MessageTextError(
                "text: a placeholder is written as a bare name in braces, such as {code}, with nothing else inside"
            )
        found.add(name)
    return found


def render(key: str, text: str, fields: Mapping[str, str]) -> str:
    """``text`` with its placeholders filled (a text that passed ``check`` never fails here)."""
    return text.format(**{k: v for k, v in fields.items() if k in spec_of(key).allowed})


@dataclass(frozen=True)
class Preview:
    """A text filled with the sample values, and what it costs as an SMS."""

    text: str
    encoding: str
    segments: int
    characters: int


def check(key: str, language: str, text: str) -> Preview:
    """Refuse a text that must not be stored; answer its preview with the sample values otherwise."""
    spec = spec_of(key)
    check_language(language)
    if not text.strip():
        raise MessageTextError("text: empty; write the message, or go back to the default text")
    if len(text) > spec.max_chars:
        raise MessageTextError(f"text: at most {spec.max_chars} characters")
    if spec.part == "subject" and ("\n" in text or "\r" in text):
        raise MessageTextError("text: a subject is one line; remove the line breaks")
    names = placeholders(text)
    unknown = sorted(names - spec.allowed)
    if unknown:
        usable = ", ".join("{" + n + "}" for n in sorted(spec.allowed)) or "none"
        raise MessageTextError(
            f"text: unknown placeholder {', '.join('{' + n + '}' for n in unknown)}; this message can use {usable}"
        )
    missing = sorted(spec.required - names)
    if missing:
        raise MessageTextError(
            f"text: the placeholder {', '.join('{' + n + '}' for n in missing)} is missing; "
            "the citizen needs it in this message"
        )
    filled = render(key, text, SAMPLE[language])
    size = sms_size(filled)
    if spec.max_segments is not None and size.segments > spec.max_segments:
        raise MessageTextError(
            f"text: too long for an SMS: {size.segments} segments ({size.encoding}) with long sample values, "
            f"at most {spec.max_segments} allowed; shorten it"
            + ("" if size.encoding == "GSM-7" else " or leave out characters outside the GSM alphabet, such as – … ’")
        )
    return Preview(filled, size.encoding, size.segments, len(filled))


def own_text(own: Mapping[str, str], key: str) -> str | None:
    """The organisation's wording of ``key`` in the language ``own`` was loaded for, if it set one."""
    value = own.get(key)
    return value if value and value.strip() else None
