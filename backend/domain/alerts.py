"""What the advisor at the desk is told when a citizen at a booth needs a person.

Two events become alerts: a check-in the rules refused with ``tell_advisor``
(wrong point, a past day, too late, cancelled, finished) and an official who
has not joined a checked-in citizen in time. The texts are short, plain and in
the advisor's three languages, with times in Helsinki wall-clock time.

An alert names no citizen: no name, phone or e-mail, because it is shown on a
desk screen and kept until acknowledged. The booking code is allowed — it is
how the advisor looks the booking up. The event carries ids only; the store
passes in the names (booth, the booked point) and the booking's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import texts
from backend.domain.events import CheckinRefused, DomainEvent, OfficialNoShow
from protocol.messages import AlertKind, DeviceState, DeviceStatus
from texts import Language

AlertEvent = CheckinRefused | OfficialNoShow


@dataclass(frozen=True)
class AlertText:
    """The alert's kind and its message per language."""

    kind: AlertKind
    messages: dict[Language, str]


def is_alert(event: DomainEvent) -> bool:
    """True for the events the advisor must hear about (the rest are for citizens or officials)."""
    return isinstance(event, CheckinRefused | OfficialNoShow)


_ = texts.Domain("backend").gettext


def _refusal_reason(lang: Language, result: str, booked_start: datetime | None, booked_point_name: str | None) -> str:
    """Why the check-in was refused, as the end of a sentence in ``lang``."""
    at = texts.format_clock(booked_start, lang) if booked_start is not None else None
    if result == "wrong_point":
        if booked_point_name:
            return _(lang, "the booking is at another service point: {point}", point=booked_point_name)
        return _(lang, "the booking is at another service point")
    if result == "wrong_day":
        if booked_start is not None:
            day = texts.format_date(booked_start, lang)
            return _(lang, "wrong day, the booking is for {date} at {time}", date=day, time=at)
        return _(lang, "the booking is on another day")
    if result == "too_late":
        if at is not None:
            return _(lang, "too late, the booking started at {time}; the customer is now in the queue", time=at)
        return _(lang, "too late, the booking started; the customer is now in the queue")
    if result == "too_early":
        return _(lang, "too early, the booking is at {time}; the customer was asked to come back", time=at or "?")
    if result == "cancelled":
        return _(lang, "the booking has been cancelled")
    if result == "finished":
        return _(lang, "the booking has already ended")
    return _(lang, "the check-in was refused ({result})", result=result)


def checkin_refused(
    event: CheckinRefused,
    booth_name: str,
    booked_start: datetime | None = None,
    booked_point_name: str | None = None,
) -> AlertText:
    """A citizen stands at ``booth_name`` and could not check in; say why, with the code to look up."""
    return AlertText(
        AlertKind.CHECKIN_REFUSED,
        {
            lang: _(
                lang,
                "A customer could not check in at booth {booth}: {reason} (code {code})",
                booth=booth_name,
                reason=_refusal_reason(lang, event.result, booked_start, booked_point_name),
                code=event.code,
            )
            for lang in Language
        },
    )


def official_no_show(event: OfficialNoShow, booth_name: str) -> AlertText:
    """A checked-in citizen waits at ``booth_name`` and their official has not joined."""
    b = event.booking
    names = b.service_names
    fallback = names.get("fi") or next(iter(names.values()), "")
    return AlertText(
        AlertKind.OFFICIAL_NO_SHOW,
        {
            lang: _(
                lang,
                "The official has not joined: {time} {service}, the customer is waiting at booth {booth} "
                "({late} min late)",
                time=texts.format_clock(b.start, lang),
                service=names.get(lang) or fallback,
                booth=booth_name,
                late=event.minutes_late,
            )
            for lang in Language
        },
    )


def alert_text(
    event: AlertEvent,
    booth_name: str,
    booked_start: datetime | None = None,
    booked_point_name: str | None = None,
) -> AlertText:
    """The alert for either kind of event; ``booked_*`` only matter for refused check-ins."""
    if isinstance(event, OfficialNoShow):
        return official_no_show(event, booth_name)
    return checkin_refused(event, booth_name, booked_start, booked_point_name)


def call_button(booth_name: str) -> AlertText:
    """The citizen at ``booth_name`` pressed the call button: someone must go to the booth."""
    return AlertText(
        AlertKind.CALL_BUTTON,
        {lang: _(lang, "The customer at booth {booth} pressed the call button", booth=booth_name) for lang in Language},
    )


def device_fault(booth_name: str, devices: list[str]) -> AlertText:
    """A device of ``booth_name`` stopped working (``devices``: their roles, e.g. ``printer``)."""
    listed = ", ".join(devices)
    return AlertText(
        AlertKind.DEVICE_FAULT,
        {
            lang: _(lang, "A device of booth {booth} is not working: {devices}", booth=booth_name, devices=listed)
            for lang in Language
        },
    )


def newly_failing(before: tuple[DeviceStatus, ...] | None, after: tuple[DeviceStatus, ...]) -> list[str]:
    """Roles of the devices that are not OK in ``after`` but were OK (or not reported failing) in ``before``.

    A device that stays broken across reports is one alarm, not one per report;
    a device the booth never had (``missing`` from its first report) is not a fault.
    """
    was = {d.role: d.state for d in before or ()}
    out = []
    for d in after:
        if d.state is DeviceState.OK:
            continue
        previous = was.get(d.role)
        if previous is DeviceState.OK or (previous is None and d.state is DeviceState.DEGRADED):
            out.append(d.role)
    return sorted(out)
