"""What goes on a printed slip: booking confirmation or visit summary, in Finnish, Swedish or English.

Pure: the caller passes the time (no clock reads) and the QR payload; the
printer driver turns a ``Slip`` into ESC/POS. Text is wrapped to the paper's
columns here so that what the tests read back is what the citizen gets.
The words are English in the source and translated in the ``booth`` text
catalogue; dates come from ``texts.format_when`` (see docs/TEXTS.md).

Receipt printers print one 8-bit code page; we use CP858 (Latin-1 repertoire
plus €), which has ä ö å Ä Ö Å and the other letters of Finnish and Swedish
names. Text it cannot hold (e.g. the Sámi letters č š ŋ đ ŧ ž in a place or
service name) is reduced to its base letter rather than printed as garbage.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import texts
from protocol.messages import Language
from texts import format_when  # a naive ``when`` is Helsinki wall-clock time

#: The printer's code page for all slips (ESC t 19 on Epson-compatible printers).
CODEPAGE = "cp858"
#: 80 mm paper, font A: 48 columns; we keep a margin.
DEFAULT_WIDTH = 42
MAX_QR_BYTES = 1000  # a model-2 QR at error level M holds ~2300 bytes; a booking link needs far less


@dataclass(frozen=True)
class SlipLine:
    text: str
    bold: bool = False
    large: bool = False  # double height and width: the title and the booking code
    center: bool = False


@dataclass(frozen=True)
class Slip:
    lines: tuple[SlipLine, ...]
    qr: str  # printed after the lines
    footer: tuple[SlipLine, ...] = ()  # printed after the QR code

    def text(self) -> list[str]:
        """The slip's text lines in print order (what a reader of the paper sees, minus the QR)."""
        return [line.text for line in (*self.lines, *self.footer)]


_ = texts.Domain("booth").gettext


#: Typography a code page lacks, written the way a typewriter would.
_PLAIN = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'}
_PLAIN |= {"\u2026": "...", "\u00a0": " ", "\u2022": "*"}


def printable(text: str) -> str:
    """``text`` with every character the code page lacks replaced by its base letter (or '?')."""
    out = []
    for ch in text:
        if _encodable(ch):
            out.append(ch)
            continue
        if ch in _PLAIN:
            out.append(_PLAIN[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(_encodable(c) for c in base) else "?")
    return "".join(out)


def booking_confirmation(
    language: Language | str,
    service_point: str,
    service: str,
    when: datetime,
    booking_code: str,
    qr_payload: str,
    width: int = DEFAULT_WIDTH,
) -> Slip:
    """The slip a citizen takes home after booking an appointment at the booth."""
    lang = _language(language)
    code = _required("booking_code", booking_code, 32)
    lines = [
        *_title(_(lang, "Booking confirmation"), width),
        SlipLine(""),
        *_where_what_when(lang, service_point, service, when, width),
        SlipLine(printable(_(lang, "Booking code")), bold=True),
        SlipLine(printable(code), large=True),
        SlipLine(""),
    ]
    next_steps = _(
        lang,
        "Arrive 10 minutes before your appointment. Bring an identity document. "
        "Show the QR code to the booth camera when you arrive.",
    )
    return Slip(tuple(lines), _qr(qr_payload), _next_steps(lang, next_steps, (), width))


def visit_summary(
    language: Language | str,
    service_point: str,
    service: str,
    when: datetime,
    qr_payload: str,
    notes: Sequence[str] = (),
    width: int = DEFAULT_WIDTH,
) -> Slip:
    """The slip a citizen takes home after a call: where, what, when, and what happens next.

    ``notes`` are extra next steps the official chose (short sentences, no personal data).
    """
    lang = _language(language)
    lines = [
        *_title(_(lang, "Visit summary"), width),
        SlipLine(""),
        *_where_what_when(lang, service_point, service, when, width),
        SlipLine(""),
    ]
    next_steps = _(
        lang,
        "Keep this receipt. The decision or any request for more information will be sent to you. "
        "Scan the QR code with your phone to see your case.",
    )
    return Slip(tuple(lines), _qr(qr_payload), _next_steps(lang, next_steps, notes, width))


def what_next(language: Language | str, text: str, when: datetime, width: int = DEFAULT_WIDTH) -> Slip:
    """The visit summary the official wrote in the call: the date and their "what next", no QR code.

    ``text`` is the official's own plain-language words (at most 1000 characters, kept
    as paragraphs); nothing else about the citizen is on it.
    """
    lang = _language(language)
    body = _required("text", text, 1000)
    lines = [
        *_title(_(lang, "Visit summary"), width),
        SlipLine(""),
        SlipLine(printable(_(lang, "When")), bold=True),
        SlipLine(printable(format_when(when, lang))),
    ]
    paragraphs = [p.strip() for p in body.splitlines() if p.strip()]
    return Slip(tuple(lines), "", _next_steps(lang, paragraphs[0], paragraphs[1:], width))


def _where_what_when(lang: Language, service_point: str, service: str, when: datetime, width: int) -> list[SlipLine]:
    return [
        *_field(_(lang, "Service point"), service_point, width),
        *_field(_(lang, "Service"), service, width),
        *_field(_(lang, "Time"), format_when(when, lang), width),
    ]


def _title(text: str, width: int) -> list[SlipLine]:
    """Double-width letters take two columns: wrap at half the width so words are not split."""
    return [SlipLine(printable(v), bold=True, large=True, center=True) for v in textwrap.wrap(text, width // 2)]


def _field(label: str, value: str, width: int) -> list[SlipLine]:
    value = _required(label, value, 200)
    return [SlipLine(printable(label), bold=True)] + [SlipLine(printable(v)) for v in textwrap.wrap(value, width)]


def _next_steps(lang: Language, text: str, notes: Sequence[str], width: int) -> tuple[SlipLine, ...]:
    lines = [SlipLine(""), SlipLine(printable(_(lang, "Next steps")), bold=True)]
    for paragraph in (text, *notes):
        lines += [SlipLine(printable(v)) for v in textwrap.wrap(paragraph, width)]
    return tuple(lines)


def _qr(payload: str) -> str:
    if not isinstance(payload, str) or not payload:
        raise ValueError("qr_payload: must be a non-empty string")
    if len(payload.encode("utf-8")) > MAX_QR_BYTES:
        raise ValueError(f"qr_payload: must be at most {MAX_QR_BYTES} bytes (put a short link or code in it)")
    return payload


def _required(name: str, value: str, max_len: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: must not be empty")
    if len(value) > max_len:
        raise ValueError(f"{name}: must be at most {max_len} characters")
    return value.strip()


def _language(language: Language | str) -> Language:
    try:
        return Language(language)
    except ValueError:
        raise ValueError("language: must be one of fi, sv, en") from None


def _encodable(ch: str) -> bool:
    try:
        ch.encode(CODEPAGE)
    except UnicodeEncodeError:
        return False
    return ch.isprintable() or ch == " "
