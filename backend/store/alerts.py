"""Advisor alerts in the database: stored first, then told, kept until acknowledged.

The hub records an alert *before* it tells anyone, so an alert is never lost
to a closed desk browser, a dropped websocket or a restart: every advisor who
connects gets the unacknowledged alerts of their points again (``pending``).
Acknowledging is a conditional UPDATE (only while still open), so two
advisors taking the same alert at once both succeed and the first one is
recorded; acknowledging again changes nothing.

Who hears about a point's alerts: its advisors (role ``advisor`` scoped to the
point) and every master admin.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from backend.domain import alerts as texts
from backend.domain.events import CheckinRefused, DomainEvent, OfficialNoShow
from backend.store.alert_models import AdvisorAlertRow
from backend.store.booking_models import BookingRow, QueueRow, RoleGrant
from backend.store.models import Booth, ServicePoint
from protocol.messages import AdvisorAlert, AlertKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredAlert:
    """One alert as the hub sends it and the API shows it (no citizen data in it)."""

    alert_id: str
    kind: AlertKind
    point_id: str
    point_name: str
    booth_id: str | None
    booth_name: str | None
    at: float
    message_fi: str
    message_sv: str
    message_en: str
    booking_code: str | None
    acknowledged_at: float | None = None
    acknowledged_by: str | None = None

    def to_message(self) -> AdvisorAlert:
        return AdvisorAlert(
            alert_id=self.alert_id,
            kind=self.kind,
            point=(self.point_name or self.point_id)[:120],
            booth_name=None if self.booth_name is None else self.booth_name[:120],
            at=self.at,
            message_fi=self.message_fi,
            message_sv=self.message_sv,
            message_en=self.message_en,
            booking_code=self.booking_code,
        )


def _name(s: Session, model: type[Booth] | type[ServicePoint], id_: str | None) -> str | None:
    if id_ is None:
        return None
    row = s.get(model, id_)
    return row.name if row is not None else id_


def _waiting_booth(s: Session, b: BookingRow) -> str:
    """The booth the citizen checked in at (any booth of the point will do), else the booked one."""
    at = s.scalar(
        select(QueueRow.booth_id)
        .where(QueueRow.booking_id == b.id, QueueRow.booth_id.is_not(None))
        .order_by(QueueRow.enqueued_at.desc())
        .limit(1)
    )
    return at or b.booth_id


def stage_alert(s: Session, event: DomainEvent) -> AdvisorAlertRow | None:
    """Add the alert ``event`` calls for to ``s`` (not committed); None for events that are not alerts.

    Usable inside another transaction, so an alert can commit together with
    the status change that caused it.
    """
    if isinstance(event, CheckinRefused):
        booking = s.scalar(select(BookingRow).where(BookingRow.code == event.code))
        text = texts.checkin_refused(
            event,
            _name(s, Booth, event.booth_id) or event.booth_id,
            booked_start=None if booking is None else datetime.fromtimestamp(booking.start, UTC),
            booked_point_name=None if booking is None else _name(s, ServicePoint, booking.point_id),
        )
        point_id, booth_id, booking_id = event.point_id, event.booth_id, booking.id if booking else None
        code = event.code
    elif isinstance(event, OfficialNoShow):
        facts = event.booking
        booking = s.get(BookingRow, facts.booking_id)
        if booking is None:
            log.error("official no-show for unknown booking %s: no alert", facts.booking_id)
            return None
        booth_id = _waiting_booth(s, booking)
        text = texts.official_no_show(event, _name(s, Booth, booth_id) or booth_id)
        point_id, booking_id, code = booking.point_id, booking.id, facts.code
    else:
        return None
    row = AdvisorAlertRow(
        id=uuid.uuid4().hex,
        kind=text.kind.value,
        point_id=point_id,
        booth_id=booth_id,
        booking_id=booking_id,
        booking_code=code,
        created_at=event.at.timestamp(),
        message_fi=text.messages["fi"][:500],
        message_sv=text.messages["sv"][:500],
        message_en=text.messages["en"][:500],
    )
    s.add(row)
    return row


def record_alerts(db: sessionmaker[Session], events: Sequence[DomainEvent]) -> list[StoredAlert]:
    """Store the alerts among ``events`` in one transaction; return them for the hub to send."""
    if not any(texts.is_alert(e) for e in events):
        return []  # the common case (a good check-in): no transaction at all
    with db() as s:
        rows = [r for r in (stage_alert(s, e) for e in events) if r is not None]
        s.flush()
        stored = [_stored(s, r) for r in rows]
        s.commit()
    return stored


def _stored(s: Session, r: AdvisorAlertRow) -> StoredAlert:
    return _alert(r, _name(s, ServicePoint, r.point_id) or r.point_id, _name(s, Booth, r.booth_id))


def _alert(r: AdvisorAlertRow, point_name: str | None, booth_name: str | None) -> StoredAlert:
    return StoredAlert(
        alert_id=r.id,
        kind=AlertKind(r.kind),
        point_id=r.point_id,
        point_name=point_name or r.point_id,
        booth_id=r.booth_id,
        booth_name=booth_name if booth_name is not None or r.booth_id is None else r.booth_id,
        at=r.created_at,
        message_fi=r.message_fi,
        message_sv=r.message_sv,
        message_en=r.message_en,
        booking_code=r.booking_code,
        acknowledged_at=r.acknowledged_at,
        acknowledged_by=r.acknowledged_by,
    )


def _with_names() -> Select[tuple[AdvisorAlertRow, str | None, str | None]]:
    booth = aliased(Booth)
    return (
        select(AdvisorAlertRow, ServicePoint.name, booth.name)
        .outerjoin(ServicePoint, ServicePoint.id == AdvisorAlertRow.point_id)
        .outerjoin(booth, booth.id == AdvisorAlertRow.booth_id)
    )


def pending(db: sessionmaker[Session], point_ids: Iterable[str] | None) -> list[StoredAlert]:
    """Unacknowledged alerts of ``point_ids``, oldest first; ``None`` means every point (master admins)."""
    q = _with_names().where(AdvisorAlertRow.acknowledged_at.is_(None))
    if point_ids is not None:
        ids = sorted(set(point_ids))
        if not ids:
            return []
        q = q.where(AdvisorAlertRow.point_id.in_(ids))
    with db() as s:
        rows = s.execute(q.order_by(AdvisorAlertRow.created_at, AdvisorAlertRow.id)).all()
    return [_alert(r, point_name, booth_name) for r, point_name, booth_name in rows]


def _get(s: Session, alert_id: str) -> StoredAlert | None:
    row = s.execute(_with_names().where(AdvisorAlertRow.id == alert_id)).first()
    return None if row is None else _alert(*row)


def get(db: sessionmaker[Session], alert_id: str) -> StoredAlert | None:
    """One alert, acknowledged or not; None if there is no such alert."""
    with db() as s:
        return _get(s, alert_id)


def acknowledge(db: sessionmaker[Session], alert_id: str, by_official_id: str, now: float) -> StoredAlert | None:
    """Mark the alert taken care of by ``by_official_id``; idempotent (the first acknowledgement stays).

    Returns the alert as it now stands, or None if there is no such alert. The
    caller checks that ``by_official_id`` may acknowledge it (its point's advisor).
    """
    with db() as s:
        s.execute(
            update(AdvisorAlertRow)
            .where(AdvisorAlertRow.id == alert_id, AdvisorAlertRow.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by=by_official_id)
        )
        s.commit()
        return _get(s, alert_id)


def advisors_of(db: sessionmaker[Session], point_id: str) -> set[str]:
    """Official ids to tell about an alert at ``point_id``: the point's advisors and all master admins."""
    with db() as s:
        return set(
            s.scalars(
                select(RoleGrant.official_id).where(
                    or_(
                        (RoleGrant.role == "advisor") & (RoleGrant.scope == point_id),
                        RoleGrant.role == "master_admin",
                    )
                )
            )
        )
