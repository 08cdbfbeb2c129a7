"""Which messages a booking event produces, when, and with what text.

Pure: no I/O, no clock reads (the caller passes ``now``). The booking domain
hands in a :class:`BookingNotice`; :func:`plan` answers with the messages to
put in the outbox and whether earlier reminders of that booking must be
withdrawn. The outbox (``backend.notify``) does the storing and sending.

Why SMS first: the people who use a booth at a municipal service point often
have no e-mail, but nearly all have a phone. E-mail is sent in addition when
the citizen gave an address.

Why the texts are short and segment-counted: every SMS segment costs money
and long messages arrive split on older phones. Finnish and Swedish letters
Ä Ö Å ä ö å are in the GSM 03.38 basic alphabet, so the texts stay GSM-7
(160 characters a segment) as long as no other character forces UCS-2
(70 a segment). The texts are English in the source and translated in the
``backend`` text catalogue (docs/TEXTS.md); a translation that grows past a
segment shows in the segment-budget tests.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import texts
from backend.domain.catalogue import LANGUAGES
from texts import HELSINKI, N_

UTC = ZoneInfo("UTC")

#: The morning reminder goes out at this local time on the day of the booking.
MORNING_REMINDER_AT = time(7, 30)
#: A reminder closer than this to the moment the booking was made would only
#: repeat the confirmation the citizen has just received, so it is not planned.
REMINDER_MIN_GAP = timedelta(hours=2)


class NoticeKind(StrEnum):
    CONFIRMATION = "confirmation"
    REMINDER_DAY_BEFORE = "reminder_day_before"
    REMINDER_SAME_DAY = "reminder_same_day"
    RESCHEDULE = "reschedule"
    CANCELLATION = "cancellation"
    THIRD_PARTY_INVITATION = "third_party_invitation"
    GUEST_CODE = "guest_code"  # the one-time code an invited third party joins with


REMINDER_KINDS = frozenset({NoticeKind.REMINDER_DAY_BEFORE, NoticeKind.REMINDER_SAME_DAY})


class NoticeChannel(StrEnum):
    """How a message reaches the citizen (not how the booking was made: that is ``bookings.BookedVia``)."""

    SMS = "sms"
    EMAIL = "email"


class NoticeError(ValueError):
    """A notice that cannot be turned into messages; the text names the field and how to fix it."""


@dataclass(frozen=True)
class BookingNotice:
    """A booking event, as the booking domain reports it.

    ``service_name`` holds the service's name per language (``fi``/``sv``/``en``);
    the booking's own ``language`` picks one, falling back to Finnish.
    ``old_starts_at`` is set for a reschedule, ``invite_link`` for a third-party
    invitation (an interpreter, a guardian, ...).
    """

    kind: NoticeKind
    booking_code: str
    service_name: dict[str, str]
    point_name: str
    point_address: str
    starts_at: datetime
    language: str
    phone: str | None = None
    email: str | None = None
    qr_payload: str | None = None
    old_starts_at: datetime | None = None
    invite_link: str | None = None
    #: The organisation's own wording in the booking's language, by ``backend.domain.message_texts`` key
    #: (``confirmation.sms``, ``confirmation.subject`` …); a text not set here is the catalogue's.
    own_texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedMessage:
    """One message for one recipient on one channel, ready for the outbox.

    ``dedupe_key`` is the same for the same message however often the event is
    reported, so storing a plan twice sends nothing twice. ``expires_at`` is
    when sending it stops making sense (a reminder after the appointment).
    """

    kind: NoticeKind
    channel: NoticeChannel
    recipient: str
    subject: str | None
    text: str
    send_at: datetime
    booking_code: str
    language: str
    dedupe_key: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Plan:
    """What to do for one notice: withdraw pending reminders first, then store ``messages``."""

    messages: list[PlannedMessage] = field(default_factory=list)
    cancel_reminders_of: str | None = None


# --------------------------------------------------------------------------- contact data


_PHONE_CHARS = re.compile(r"[\s\-().]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_phone(raw: str) -> str:
    """A Finnish or international phone number in E.164 form (``+358401234567``).

    Accepts what people type: ``040 123 4567``, ``+358 40 1234567``,
    ``00358401234567``. Raises :class:`NoticeError` saying what is accepted.
    """
    digits = _PHONE_CHARS.sub("", raw.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+358" + digits[1:]
    if not re.fullmatch(r"\+[1-9]\d{6,14}", digits):
        raise NoticeError(
            "phone: not a phone number; give it as 040 123 4567 or in international form +358 40 123 4567"
        )
    return digits


def validate_email(raw: str) -> str:
    """The address trimmed, or :class:`NoticeError` if it cannot be an e-mail address."""
    address = raw.strip()
    if len(address) > 254 or not _EMAIL.match(address):
        raise NoticeError("email: not an e-mail address; it must look like name@example.fi")
    return address


# --------------------------------------------------------------------------- SMS segments

# GSM 03.38 basic character set (without the escape 0x1B) and its extension
# table, whose characters take two septets (escape + character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_size(text: str) -> SmsSize:
    """How many SMS segments ``text`` takes.

    One segment holds 160 septets (GSM-7) or 70 UTF-16 units (UCS-2); in a
    concatenated message the header leaves 153 / 67, and an escape pair or a
    surrogate pair is never split across segments, so the count is done by
    filling segments rather than by division.
    """
    if is_gsm7(text):
        encoding, widths = "GSM-7", [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        single, multi = 160, 153
    else:
        encoding, widths = "UCS-2", [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, multi = 70, 67
    units = sum(widths)
    if units <= single:
        return SmsSize(encoding, units, 1 if units else 0)
    segments, used = 1, 0
    for width in widths:
        if used + width > multi:
            segments, used = segments + 1, 0
        used += width
    return SmsSize(encoding, units, segments)


# --------------------------------------------------------------------------- reminder schedule


def _local(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise NoticeError("starts_at: the time must carry its time zone (an aware datetime)")
    return dt.astimezone(HELSINKI)


def _at_local(day: date, at: time) -> datetime:
    """``day`` at wall-clock ``at`` in Helsinki, as a real instant.

    A wall-clock time that does not exist (the hour skipped in spring) is
    moved forward past the gap by a round trip through UTC.
    """
    naive = datetime.combine(day, at, tzinfo=HELSINKI)
    return naive.astimezone(UTC).astimezone(HELSINKI)


def reminder_times(starts_at: datetime, now: datetime) -> dict[NoticeKind, datetime]:
    """When the two reminders of a booking starting at ``starts_at`` go out, seen at ``now``.

    - day before: the same wall-clock time on the previous day, so "tomorrow at
      10.00" arrives at 10.00 even in the week the clocks change (then it is 23
      or 25 hours ahead rather than 24);
    - same day: at :data:`MORNING_REMINDER_AT` local time, if that is before the start.

    A reminder in the past, or within :data:`REMINDER_MIN_GAP` of ``now`` (the
    citizen has just had the confirmation), is left out, and a booking made for
    today gets no reminder at all.
    """
    start = _local(starts_at)
    now_local = _local(now)
    wanted = {
        NoticeKind.REMINDER_DAY_BEFORE: _at_local(start.date() - timedelta(days=1), start.time()),
        NoticeKind.REMINDER_SAME_DAY: _at_local(start.date(), MORNING_REMINDER_AT),
    }
    if now_local.date() >= start.date():
        return {}  # booked for today: the confirmation is the reminder
    # Compare in UTC: Python subtracts same-zone datetimes by wall clock, which is an hour off in DST weeks.
    start_utc, now_utc = start.astimezone(UTC), now_local.astimezone(UTC)
    return {
        kind: at
        for kind, at in wanted.items()
        if at.astimezone(UTC) < start_utc and at.astimezone(UTC) - now_utc >= REMINDER_MIN_GAP
    }


# --------------------------------------------------------------------------- texts

_ = texts.Domain("backend").gettext

# One SMS text per kind (the e-mail body starts with it). Fields: service, when,
# old_when, point, address, code, link. Kept short: see tests for the segment budget.
_SMS: dict[NoticeKind, str] = {
    NoticeKind.CONFIRMATION: N_("Etäpiste: {service} {when}, {point}, {address}. Booking code {code}."),
    NoticeKind.REMINDER_DAY_BEFORE: N_("Reminder: tomorrow {service} {when}, {point}, {address}. Code {code}."),
    NoticeKind.REMINDER_SAME_DAY: N_("Reminder: today {service} {when}, {point}, {address}. Code {code}."),
    NoticeKind.RESCHEDULE: N_("Etäpiste: your booking has moved to {when} (was {old_when}), {point}. Code {code}."),
    NoticeKind.CANCELLATION: N_("Etäpiste: your booking {when} ({service}) is cancelled. Code {code}."),
    NoticeKind.THIRD_PARTY_INVITATION: N_("You are invited to a remote meeting ({service}) {when}. Join: {link}"),
    NoticeKind.GUEST_CODE: N_("Etäpiste: your code to join the meeting is {code}. Do not give it to anyone."),
}

_SUBJECT: dict[NoticeKind, str] = {
    NoticeKind.CONFIRMATION: N_("Booking confirmed: {service} {when}"),
    NoticeKind.REMINDER_DAY_BEFORE: N_("Reminder of your booking tomorrow: {service} {when}"),
    NoticeKind.REMINDER_SAME_DAY: N_("Reminder of your booking today: {service} {when}"),
    NoticeKind.RESCHEDULE: N_("Your booking has moved: {when}"),
    NoticeKind.CANCELLATION: N_("Your booking is cancelled: {service} {when}"),
    NoticeKind.THIRD_PARTY_INVITATION: N_("Invitation to a remote meeting: {service} {when}"),
    NoticeKind.GUEST_CODE: N_("Your code to join the remote meeting"),
}


def _email_footer(lang: str, **fields: str) -> str:
    """Extra lines of the e-mail body, after the SMS text."""
    return _(
        lang,
        "Come to the service point ({point}, {address}) and enter the booking code {code} on the booth's screen."
        "\n\nThis message cannot be replied to. To move or cancel the booking, contact the service point.",
        **fields,
    )


def _fields(notice: BookingNotice, starts_at: datetime) -> dict[str, str]:
    lang = notice.language
    service = notice.service_name.get(lang) or notice.service_name.get("fi") or next(iter(notice.service_name.values()))
    return {
        "service": service,
        "when": texts.format_when(starts_at, lang),
        "old_when": texts.format_when(notice.old_starts_at, lang) if notice.old_starts_at else "",
        "point": notice.point_name,
        "address": notice.point_address,
        "code": notice.booking_code,
        "link": notice.invite_link or "",
    }


def _text(notice: BookingNotice, kind: NoticeKind, part: str, fields: dict[str, str]) -> str:
    """The organisation's own wording of ``kind``'s ``part`` if it set one (checked when it was stored), else
    the catalogue's."""
    own = notice.own_texts.get(f"{kind.value}.{part}")
    if own and own.strip():
        return own.format(**fields)
    return _(notice.language, (_SMS if part == "sms" else _SUBJECT)[kind], **fields)


def guest_code_text(language: str, code: str) -> tuple[str, str]:
    """``(subject, text)`` of the one-time code message to an invited third party."""
    return _(language, _SUBJECT[NoticeKind.GUEST_CODE]), _(language, _SMS[NoticeKind.GUEST_CODE], code=code)


def sms_text(notice: BookingNotice, kind: NoticeKind | None = None) -> str:
    """The SMS of ``kind`` (default: the notice's own kind) in the booking's language."""
    kind = kind or notice.kind
    return _text(notice, kind, "sms", _fields(notice, notice.starts_at))


def email_text(notice: BookingNotice, kind: NoticeKind | None = None) -> tuple[str, str]:
    """``(subject, body)`` of the e-mail of ``kind`` in the booking's language."""
    kind = kind or notice.kind
    fields = _fields(notice, notice.starts_at)
    subject = _text(notice, kind, "subject", fields)
    body = _text(notice, kind, "sms", fields)
    if kind not in (NoticeKind.THIRD_PARTY_INVITATION, NoticeKind.CANCELLATION, NoticeKind.GUEST_CODE):
        body += "\n\n" + _email_footer(notice.language, **fields)
    return subject, body + "\n"


# --------------------------------------------------------------------------- planning


def _check(notice: BookingNotice) -> tuple[str | None, str | None]:
    if notice.language not in LANGUAGES:
        raise NoticeError(f"language: {notice.language!r} is not offered; use one of {', '.join(LANGUAGES)}")
    if not notice.booking_code.strip():
        raise NoticeError("booking_code: empty; every message names the booking code")
    if not notice.service_name:
        raise NoticeError("service_name: no name in any language; give at least the Finnish name")
    _local(notice.starts_at)
    if notice.kind is NoticeKind.RESCHEDULE and notice.old_starts_at is None:
        raise NoticeError("old_starts_at: a reschedule must say the previous time")
    if notice.old_starts_at is not None:
        _local(notice.old_starts_at)
    if notice.kind is NoticeKind.THIRD_PARTY_INVITATION and not notice.invite_link:
        raise NoticeError("invite_link: an invitation must carry the link the invited person joins with")
    phone = normalize_phone(notice.phone) if notice.phone else None
    email = validate_email(notice.email) if notice.email else None
    return phone, email


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _messages(
    notice: BookingNotice, kind: NoticeKind, send_at: datetime, phone: str | None, email: str | None
) -> list[PlannedMessage]:
    """SMS first, then e-mail, each with a key that identifies this very message."""
    out: list[PlannedMessage] = []
    # Reminders and reschedules are specific to the appointment time; an
    # invitation to the person invited; the rest to the booking.
    scope = (
        notice.starts_at.astimezone(HELSINKI).isoformat() if kind in REMINDER_KINDS | {NoticeKind.RESCHEDULE} else ""
    )
    expires = notice.starts_at if kind in REMINDER_KINDS else None
    if phone:
        who = phone if kind is NoticeKind.THIRD_PARTY_INVITATION else ""
        out.append(
            PlannedMessage(
                kind=kind,
                channel=NoticeChannel.SMS,
                recipient=phone,
                subject=None,
                text=sms_text(notice, kind),
                send_at=send_at,
                booking_code=notice.booking_code,
                language=notice.language,
                dedupe_key=_key(notice.booking_code, kind, NoticeChannel.SMS, scope, who),
                expires_at=expires,
            )
        )
    if email:
        who = email.lower() if kind is NoticeKind.THIRD_PARTY_INVITATION else ""
        subject, body = email_text(notice, kind)
        out.append(
            PlannedMessage(
                kind=kind,
                channel=NoticeChannel.EMAIL,
                recipient=email,
                subject=subject,
                text=body,
                send_at=send_at,
                booking_code=notice.booking_code,
                language=notice.language,
                dedupe_key=_key(notice.booking_code, kind, NoticeChannel.EMAIL, scope, who),
                expires_at=expires,
            )
        )
    return out


def plan(notice: BookingNotice, now: datetime) -> Plan:
    """The messages ``notice`` produces, seen at ``now`` (an aware datetime).

    - confirmation: the confirmation now, and the reminders that still make sense;
    - reschedule: withdraw the old reminders, the reschedule message now, new reminders;
    - cancellation: withdraw the reminders, the cancellation now;
    - third-party invitation: the invitation now;
    - a reminder kind: that reminder now, unless the outbox already holds that very reminder.

    A notice with neither phone nor e-mail produces nothing (nothing to send
    to); invalid contact data raises :class:`NoticeError`.
    """
    phone, email = _check(notice)
    _local(now)
    kind = notice.kind
    messages = _messages(notice, kind, now, phone, email)
    if kind in (NoticeKind.CONFIRMATION, NoticeKind.RESCHEDULE):
        for reminder, at in reminder_times(notice.starts_at, now).items():
            messages += _messages(notice, reminder, at, phone, email)
    withdraw = kind in (NoticeKind.RESCHEDULE, NoticeKind.CANCELLATION)
    return Plan(messages=messages, cancel_reminders_of=notice.booking_code if withdraw else None)


def retry_delay(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait before attempt ``attempts + 1``: doubling from ``base``, never above ``cap``."""
    if attempts < 1:
        return base
    return min(cap, base * math.pow(2, min(attempts - 1, 30)))
