"""The reports' figures, counted with SQL over the store (the same queries on SQLite and PostgreSQL).

Scopes are filters: an organisation (its bookings, its services' queue
entries, the meetings one of its officials took part in), a point, a service,
one official (their personal counts), and a period of Helsinki days. ``None``
means "all" — the all-organisation comparison is the same report without the
organisation filter. Who may ask for which scope is ``backend.domain.access``'s
to answer (``backend.api.reports``).

Identification methods and quick feedback come from ``call_identification`` and
``call_feedback`` (``backend.store.appointment_models``), for the same meetings.
Third parties (interpreters, support persons) come from ``guest_invitation``:
those let into a meeting in scope, by role. What is not stored cannot be
counted (``backend.domain.reports.NOT_STORED``). A meeting's service is the
matter the broker knew for the call (``call_service``: the booking's service or
the walk-in's choice); the service filter narrows meetings by it, and a meeting
whose citizen chose no matter is in no service's figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session

from backend.domain.reports import Figure, Period, open_seconds, share
from backend.store import catalogue
from backend.store.admin_models import BoothRetirement
from backend.store.appointment_models import CallFeedbackRow, CallIdentificationRow
from backend.store.booking_models import BookingHistory, BookingRow, QueueRow, ServiceRow
from backend.store.call_service_models import CallServiceRow
from backend.store.guest_models import GuestInvitationRow
from backend.store.models import Booth, CallParticipantRow, CallRecord, Official

LEAD_BUCKETS = ((1, "under_1_day"), (7, "1_to_7_days"), (30, "7_to_30_days"), (None, "over_30_days"))


@dataclass(frozen=True)
class Scope:
    period: Period
    organisation_id: str | None = None
    point_id: str | None = None
    service_id: str | None = None
    official_id: str | None = None


#: The quick-feedback questions counted (``call_feedback`` columns): scores 1-5, None unanswered.
FEEDBACK_QUESTIONS = (
    "citizen_service",
    "citizen_ease",
    "citizen_overall",
    "sms_overall",
    "official_technical",
    "official_handled",
)


def _meetings(sc: Scope, *cols: Any) -> Select:
    cols = cols or (CallRecord.booth_id, CallRecord.requested_at, CallRecord.admitted_at, CallRecord.ended_at)
    q = (
        select(*cols)
        .join(Booth, Booth.id == CallRecord.booth_id)
        .where(CallRecord.requested_at >= sc.period.start_ts, CallRecord.requested_at < sc.period.end_ts)
    )
    if sc.point_id is not None:
        q = q.where(Booth.point_id == sc.point_id)
    took_part = and_(CallParticipantRow.call_id == CallRecord.id, CallParticipantRow.role == "official")
    if sc.organisation_id is not None:
        q = q.where(
            exists(
                select(CallParticipantRow.peer)
                .join(Official, Official.id == CallParticipantRow.official_id)
                .where(took_part, Official.organisation_id == sc.organisation_id)
            )
        )
    if sc.official_id is not None:
        q = q.where(
            exists(select(CallParticipantRow.peer).where(took_part, CallParticipantRow.official_id == sc.official_id))
        )
    if sc.service_id is not None:
        q = q.where(
            exists(
                select(CallServiceRow.call_id).where(
                    CallServiceRow.call_id == CallRecord.id, CallServiceRow.service_id == sc.service_id
                )
            )
        )
    return q


def _bookings_filter(q: Select, sc: Scope) -> Select:
    q = q.where(BookingRow.start >= sc.period.start_ts, BookingRow.start < sc.period.end_ts)
    for col, value in (
        (BookingRow.organisation_id, sc.organisation_id),
        (BookingRow.point_id, sc.point_id),
        (BookingRow.service_id, sc.service_id),
        (BookingRow.official_id, sc.official_id),
    ):
        if value is not None:
            q = q.where(col == value)
    return q


def _grouped(s: Session, section: str, col: Any, sc: Scope) -> list[Figure]:
    q = _bookings_filter(select(col, func.count()).select_from(BookingRow), sc).group_by(col).order_by(col)
    return [Figure(section, str(k), float(n)) for k, n in s.execute(q)]


def _clip(start: float | None, end: float | None, period: Period) -> float:
    if start is None or end is None:
        return 0.0
    return max(0.0, min(end, period.end_ts) - max(start, period.start_ts))


def figures(s: Session, sc: Scope) -> list[Figure]:
    """Every figure of the report for ``sc``, in a fixed order (sections, then keys)."""
    out: list[Figure] = []
    # -- meetings: requests at a booth, those admitted, their length and the wait before --
    calls = s.execute(_meetings(sc)).all()
    met = [c for c in calls if c.admitted_at is not None]
    ended = [c for c in met if c.ended_at is not None]
    minutes = [(c.ended_at - c.admitted_at) / 60 for c in ended]
    waits = [(c.admitted_at - c.requested_at) / 60 for c in met]
    out += [
        Figure("meetings", "requests", float(len(calls))),
        Figure("meetings", "count", float(len(met))),
        Figure(
            "meetings", "left_before_admitted", float(len([c for c in calls if c.admitted_at is None and c.ended_at]))
        ),
        Figure("meetings", "avg_duration_min", round(sum(minutes) / len(minutes), 2) if minutes else 0.0),
        Figure("meetings", "service_hours", round(sum(minutes) / 60, 2)),
        Figure("meetings", "avg_wait_min", round(sum(waits) / len(waits), 2) if waits else 0.0),
    ]
    # -- bookings --
    total = s.scalar(_bookings_filter(select(func.count()).select_from(BookingRow), sc)) or 0
    resched = s.scalar(
        _bookings_filter(
            select(func.count())
            .select_from(BookingHistory)
            .join(BookingRow, BookingRow.id == BookingHistory.booking_id)
            .where(BookingHistory.action == "rescheduled"),
            sc,
        )
    )
    out += [Figure("bookings", "count", float(total)), Figure("bookings", "reschedules", float(resched or 0))]
    out += _grouped(s, "bookings_by_status", BookingRow.status, sc)
    out += _grouped(s, "bookings_by_channel", BookingRow.channel, sc)
    out += _grouped(s, "bookings_by_language", BookingRow.language, sc)
    out += _grouped(s, "bookings_by_service", BookingRow.service_id, sc)
    out += _grouped(s, "bookings_by_point", BookingRow.point_id, sc)
    leads = [
        (start - created) / 86400
        for start, created in s.execute(_bookings_filter(select(BookingRow.start, BookingRow.created_at), sc))
    ]
    out.append(Figure("booking_lead_time", "avg_days", round(sum(leads) / len(leads), 2) if leads else 0.0))
    lower = 0.0
    for limit, name in LEAD_BUCKETS:
        n = len([d for d in leads if d >= lower and (limit is None or d < limit)])
        out.append(Figure("booking_lead_time", name, float(n)))
        lower = float(limit or 0)
    # -- service language of the citizens served (walk-ins and appointments) --
    q = (
        select(QueueRow.language, func.count())
        .join(ServiceRow, ServiceRow.id == QueueRow.service_id)
        .where(QueueRow.state == "served", QueueRow.enqueued_at >= sc.period.start_ts)
        .where(QueueRow.enqueued_at < sc.period.end_ts)
    )
    for col, value in (
        (ServiceRow.organisation_id, sc.organisation_id),
        (QueueRow.point_id, sc.point_id),
        (QueueRow.service_id, sc.service_id),
        (QueueRow.offered_to, sc.official_id),
    ):
        if value is not None:
            q = q.where(col == value)
    out += [
        Figure("served_by_language", k, float(n))
        for k, n in s.execute(q.group_by(QueueRow.language).order_by(QueueRow.language))
    ]
    # -- booth utilisation: time in meetings over the booths' open hours --
    out += _utilisation(s, sc, met)
    out += _identification(s, sc)
    out += _feedback(s, sc)
    out += _third_parties(s, sc)
    return out


#: Third-party roles, in the order the report lists them (``backend.domain.guests.GuestRole``).
GUEST_ROLES = ("spoken_interpreter", "sign_interpreter", "support_person")


def _third_parties(s: Session, sc: Scope) -> list[Figure]:
    """Third parties let into the meetings in scope, by role, and how many meetings had one.
    An invitation never admitted (a link not used, a guest turned away) is not counted."""
    ids = select(_meetings(sc, CallRecord.id).where(CallRecord.admitted_at.is_not(None)).subquery().c.id)
    joined = and_(GuestInvitationRow.session_id.in_(ids), GuestInvitationRow.admitted_at.is_not(None))
    by = dict(
        s.execute(select(GuestInvitationRow.role, func.count()).where(joined).group_by(GuestInvitationRow.role)).all()
    )
    meetings = s.scalar(select(func.count(func.distinct(GuestInvitationRow.session_id))).where(joined)) or 0
    return [Figure("third_parties_by_role", r, float(by.get(r, 0))) for r in GUEST_ROLES] + [
        Figure("third_parties", "meetings_with", float(meetings))
    ]


def _identification(s: Session, sc: Scope) -> list[Figure]:
    """Meetings by how the citizen was identified; a meeting identified both ways counts in both."""
    met = _meetings(sc, CallRecord.id).where(CallRecord.admitted_at.is_not(None))
    ids = met.subquery()
    by = dict(
        s.execute(
            select(CallIdentificationRow.method, func.count(func.distinct(CallIdentificationRow.call_id)))
            .where(CallIdentificationRow.call_id.in_(select(ids.c.id)))
            .group_by(CallIdentificationRow.method)
        ).all()
    )
    none = s.scalar(
        select(func.count()).select_from(ids).where(~exists().where(CallIdentificationRow.call_id == ids.c.id))
    )
    section = "meetings_by_identification"
    return [Figure(section, m, float(by.get(m, 0))) for m in ("id_card", "in_person")] + [
        Figure(section, "none", float(none or 0))
    ]


def _feedback(s: Session, sc: Scope) -> list[Figure]:
    """Each question's answers 1-5 and their average, and how many citizens skipped, for the meetings in scope."""
    ids = select(_meetings(sc, CallRecord.id).subquery().c.id)
    out: list[Figure] = []
    for name in FEEDBACK_QUESTIONS:
        col = getattr(CallFeedbackRow, name)
        counts = dict(
            s.execute(
                select(col, func.count()).where(CallFeedbackRow.call_id.in_(ids), col.between(1, 5)).group_by(col)
            ).all()
        )
        n = sum(counts.values())
        avg = round(sum(k * v for k, v in counts.items()) / n, 2) if n else 0.0
        section = f"feedback_{name}"
        out += [Figure(section, "answers", float(n)), Figure(section, "avg", avg)]
        out += [Figure(section, str(k), float(counts.get(k, 0))) for k in range(1, 6)]
    skipped = s.scalar(
        select(func.count())
        .select_from(CallFeedbackRow)
        .where(CallFeedbackRow.call_id.in_(ids), CallFeedbackRow.citizen_skipped.is_(True))
    )
    asked = s.scalar(
        select(func.count())
        .select_from(CallFeedbackRow)
        .where(CallFeedbackRow.call_id.in_(ids), CallFeedbackRow.sms_asked_at.is_not(None))
    )
    out += [
        Figure("feedback", "citizen_skipped", float(skipped or 0)),
        Figure("feedback", "sms_asked", float(asked or 0)),
    ]
    return out


def _utilisation(s: Session, sc: Scope, met: Iterable) -> list[Figure]:
    q = select(Booth.id, Booth.point_id).where(~exists().where(BoothRetirement.booth_id == Booth.id))
    if sc.point_id is not None:
        q = q.where(Booth.point_id == sc.point_id)
    booths = s.execute(q).all()
    open_s: float = 0.0
    by_point: dict[str, float] = {}
    for _booth, point_id in booths:
        if point_id not in by_point:
            by_point[point_id] = open_seconds(catalogue.point(s, point_id), sc.period)
        open_s += by_point[point_id]
    used = sum(_clip(c.admitted_at, c.ended_at, sc.period) for c in met)
    return [
        Figure("booth_utilisation", "booths", float(len(booths))),
        Figure("booth_utilisation", "open_hours", round(open_s / 3600, 2)),
        Figure("booth_utilisation", "in_use_hours", round(used / 3600, 2)),
        Figure("booth_utilisation", "percent", share(used, open_s)),
    ]
