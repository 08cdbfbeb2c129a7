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

from backend.domain.catalogue import HELSINKI
from backend.domain.events import CheckinRefused, DomainEvent, OfficialNoShow
from protocol.messages import AlertKind

AlertEvent = CheckinRefused | OfficialNoShow


@dataclass(frozen=True)
class AlertText:
    """The alert's kind and its message per language code ("fi", "sv", "en")."""

    kind: AlertKind
    messages: dict[str, str]


def is_alert(event: DomainEvent) -> bool:
    """True for the events the advisor must hear about (the rest are for citizens or officials)."""
    return isinstance(event, CheckinRefused | OfficialNoShow)


def _clock(t: datetime) -> str:
    local = t.astimezone(HELSINKI)
    return f"{local.hour}.{local.minute:02d}"  # Finnish style, as on the booth: 9.45, 10.00


def _date(t: datetime) -> str:
    local = t.astimezone(HELSINKI)
    return f"{local.day}.{local.month}.{local.year}"


def _refusal_reason(result: str, booked_start: datetime | None, booked_point_name: str | None) -> tuple[str, str, str]:
    """Why the check-in was refused, as the end of a sentence in fi, sv, en."""
    if result == "wrong_point":
        if booked_point_name:
            return (
                f"varaus on toisella palvelupisteellä: {booked_point_name}",
                f"bokningen gäller ett annat serviceställe: {booked_point_name}",
                f"the booking is at another service point: {booked_point_name}",
            )
        return (
            "varaus on toisella palvelupisteellä",
            "bokningen gäller ett annat serviceställe",
            "the booking is at another service point",
        )
    if result == "wrong_day":
        if booked_start is not None:
            d, t = _date(booked_start), _clock(booked_start)
            return (
                f"väärä päivä, varaus on {d} klo {t}",
                f"fel dag, bokningen gäller den {d} kl. {t}",
                f"wrong day, the booking is for {d} at {t}",
            )
        return "varaus on toisena päivänä", "bokningen gäller en annan dag", "the booking is on another day"
    if result == "too_late":
        t = f" klo {_clock(booked_start)}" if booked_start else ""
        ts = f" kl. {_clock(booked_start)}" if booked_start else ""
        te = f" at {_clock(booked_start)}" if booked_start else ""
        return (
            f"myöhässä, varaus alkoi{t}; asiakas on siirretty jonoon",
            f"för sent, bokningen började{ts}; kunden har flyttats till kön",
            f"too late, the booking started{te}; the customer is now in the queue",
        )
    if result == "too_early":
        t = _clock(booked_start) if booked_start else "?"
        return (
            f"liian aikaisin, varaus on klo {t}; asiakasta pyydettiin tulemaan myöhemmin",
            f"för tidigt, bokningen är kl. {t}; kunden ombads komma senare",
            f"too early, the booking is at {t}; the customer was asked to come back",
        )
    if result == "cancelled":
        return "varaus on peruttu", "bokningen har avbokats", "the booking has been cancelled"
    if result == "finished":
        return "varaus on jo päättynyt", "bokningen har redan avslutats", "the booking has already ended"
    return (
        f"kirjautuminen hylättiin ({result})",
        f"anmälan avvisades ({result})",
        f"the check-in was refused ({result})",
    )


def checkin_refused(
    event: CheckinRefused,
    booth_name: str,
    booked_start: datetime | None = None,
    booked_point_name: str | None = None,
) -> AlertText:
    """A citizen stands at ``booth_name`` and could not check in; say why, with the code to look up."""
    fi, sv, en = _refusal_reason(event.result, booked_start, booked_point_name)
    code = event.code
    return AlertText(
        AlertKind.CHECKIN_REFUSED,
        {
            "fi": f"Asiakas ei päässyt kirjautumaan kioskilla {booth_name}: {fi} (koodi {code})",
            "sv": f"En kund kunde inte anmäla sig vid kiosken {booth_name}: {sv} (kod {code})",
            "en": f"A customer could not check in at booth {booth_name}: {en} (code {code})",
        },
    )


def official_no_show(event: OfficialNoShow, booth_name: str) -> AlertText:
    """A checked-in citizen waits at ``booth_name`` and their official has not joined."""
    b = event.booking
    t = _clock(b.start)
    names = b.service_names
    fallback = names.get("fi") or next(iter(names.values()), "")
    fi, sv, en = (names.get(lang) or fallback for lang in ("fi", "sv", "en"))
    late = event.minutes_late
    return AlertText(
        AlertKind.OFFICIAL_NO_SHOW,
        {
            "fi": f"Virkailija ei ole liittynyt: {t} {fi}, asiakas odottaa kioskilla {booth_name} "
            f"({late} min myöhässä)",
            "sv": f"Handläggaren har inte anslutit: {t} {sv}, kunden väntar vid kiosken {booth_name} "
            f"({late} min försenad)",
            "en": f"The official has not joined: {t} {en}, the customer is waiting at booth {booth_name} "
            f"({late} min late)",
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
