"""The advisor's phone alarms in the database: VAPID key, subscriptions, deliveries, escalation state.

The sender (``backend.notify.webpush``) and the escalation pass
(``backend.alarms``) are thin shells over these functions; see
``backend.store.push_models`` for why each table exists.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backend.domain import alerts as alert_texts
from backend.domain.escalation import Audience, OpenAlarm
from backend.store.alert_models import AdvisorAlertRow
from backend.store.alerts import StoredAlert, get
from backend.store.booking_models import RoleGrant
from backend.store.models import Booth, LoginSession
from backend.store.push_models import AlarmEscalationRow, PushDeliveryRow, PushSubscriptionRow, VapidKeyRow


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class VapidKey:
    """The backend's VAPID key: the signer, and the public key phones subscribe with."""

    signer: Vapid02
    public_key: str  # base64url uncompressed point: PushManager.subscribe's applicationServerKey


def vapid_key(db: sessionmaker[Session], now: float) -> VapidKey:
    """The stored key, generated and stored on first use (two backends racing: the first one stored wins)."""
    with db() as s:
        row = s.get(VapidKeyRow, 1)
        if row is None:
            fresh = Vapid02()
            fresh.generate_keys()
            pem = fresh.private_pem().decode()
            public = fresh.public_key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
            s.add(VapidKeyRow(id=1, private_pem=pem, public_key=_b64url(public), created_at=now))
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
            row = s.get(VapidKeyRow, 1)
            assert row is not None
    return VapidKey(Vapid02.from_pem(row.private_pem.encode()), row.public_key)


# -- subscriptions --


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    official_id: str
    endpoint: str
    p256dh: str
    auth: str
    ack_key: str
    language: str

    def info(self) -> dict[str, object]:
        """The subscription as pywebpush takes it (and as PushSubscription.toJSON() gives it)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def _sub(r: PushSubscriptionRow) -> Subscription:
    return Subscription(r.id, r.official_id, r.endpoint, r.p256dh, r.auth, r.ack_key, r.language)


def subscribe(
    db: sessionmaker[Session], official_id: str, endpoint: str, p256dh: str, auth: str, language: str, now: float
) -> Subscription:
    """Store (or renew) a phone's subscription for ``official_id``.

    The same endpoint subscribed again (new keys, another advisor signed in on
    the phone) replaces the old row: one endpoint rings for one person.
    """
    with db() as s:
        row = s.scalar(select(PushSubscriptionRow).where(PushSubscriptionRow.endpoint == endpoint))
        if row is None:
            row = PushSubscriptionRow(id=uuid.uuid4().hex, endpoint=endpoint, created_at=now)
            s.add(row)
        if row.official_id != official_id or row.p256dh != p256dh or row.auth != auth:
            row.ack_key = secrets.token_hex(32)  # a proof made for the previous holder no longer works
        row.official_id, row.p256dh, row.auth, row.language = official_id, p256dh, auth, language
        s.commit()
        return _sub(row)


def unsubscribe(db: sessionmaker[Session], official_id: str, endpoint: str) -> bool:
    """The advisor turned alarms off on this phone; False if it was not theirs or not there."""
    with db() as s:
        row = s.scalar(
            select(PushSubscriptionRow).where(
                PushSubscriptionRow.endpoint == endpoint, PushSubscriptionRow.official_id == official_id
            )
        )
        if row is None:
            return False
        _drop(s, row.id)
        s.commit()
        return True


def _drop(s: Session, subscription_id: str) -> None:
    s.execute(delete(PushSubscriptionRow).where(PushSubscriptionRow.id == subscription_id))
    s.execute(
        update(PushDeliveryRow)
        .where(PushDeliveryRow.subscription_id == subscription_id, PushDeliveryRow.state == "pending")
        .values(state="gone")
    )


def subscription(db: sessionmaker[Session], subscription_id: str) -> Subscription | None:
    with db() as s:
        row = s.get(PushSubscriptionRow, subscription_id)
        return None if row is None else _sub(row)


def subscriptions_of(db: sessionmaker[Session], official_id: str) -> list[Subscription]:
    with db() as s:
        rows = s.scalars(select(PushSubscriptionRow).where(PushSubscriptionRow.official_id == official_id))
        return [_sub(r) for r in rows]


def ack_proof(ack_key: str, alert_id: str) -> str:
    """What the phone's service worker sends back to acknowledge ``alert_id`` without a sign-in token."""
    return hmac.new(ack_key.encode(), alert_id.encode(), hashlib.sha256).hexdigest()[:40]


def proof_holder(db: sessionmaker[Session], subscription_id: str, alert_id: str, proof: str) -> str | None:
    """The official whose subscription made ``proof`` for ``alert_id``; None if it does not check out."""
    sub = subscription(db, subscription_id)
    if sub is None or not hmac.compare_digest(ack_proof(sub.ack_key, alert_id), proof):
        return None
    return sub.official_id


# -- alarms raised at a booth --


def raise_booth_alarm(
    db: sessionmaker[Session], kind: str, booth_id: str, now: float, devices: Iterable[str] = ()
) -> StoredAlert | None:
    """Store a call-button or device-fault alert for ``booth_id``; None while one of the kind is still open
    there (a citizen pressing again, a device reported failing again: still the same alarm)."""
    with db() as s:
        booth = s.get(Booth, booth_id)
        if booth is None:
            return None
        already = s.scalar(
            select(AdvisorAlertRow.id).where(
                AdvisorAlertRow.booth_id == booth_id,
                AdvisorAlertRow.kind == kind,
                AdvisorAlertRow.acknowledged_at.is_(None),
            )
        )
        if already is not None:
            return None
        text = (
            alert_texts.call_button(booth.name)
            if kind == "call_button"
            else alert_texts.device_fault(booth.name, sorted(devices))
        )
        row = AdvisorAlertRow(
            id=uuid.uuid4().hex,
            kind=text.kind.value,
            point_id=booth.point_id,
            booth_id=booth_id,
            booking_id=None,
            booking_code=None,
            created_at=now,
            message_fi=text.messages["fi"][:500],
            message_sv=text.messages["sv"][:500],
            message_en=text.messages["en"][:500],
        )
        s.add(row)
        s.commit()
        alert_id = row.id
    return get(db, alert_id)


def open_booth_alarms(db: sessionmaker[Session], booth_id: str, kind: str) -> list[str]:
    """Ids of the unacknowledged alerts of ``kind`` at ``booth_id``."""
    with db() as s:
        return list(
            s.scalars(
                select(AdvisorAlertRow.id).where(
                    AdvisorAlertRow.booth_id == booth_id,
                    AdvisorAlertRow.kind == kind,
                    AdvisorAlertRow.acknowledged_at.is_(None),
                )
            )
        )


# -- escalation --


def open_alarms(db: sessionmaker[Session]) -> list[OpenAlarm]:
    """Every alarm still on its ladder, with whether it has been acknowledged meanwhile."""
    with db() as s:
        rows = s.execute(
            select(AlarmEscalationRow, AdvisorAlertRow.acknowledged_at, AdvisorAlertRow.booth_id)
            .join(AdvisorAlertRow, AdvisorAlertRow.id == AlarmEscalationRow.alert_id)
            .where(AlarmEscalationRow.open.is_(True))
        ).all()
    return [
        OpenAlarm(e.alert_id, e.level, e.raised_at, acknowledged=acked is not None, at_booth=booth is not None)
        for e, acked, booth in rows
    ]


def set_level(db: sessionmaker[Session], alert_id: str, level: int, closed: bool) -> None:
    with db() as s:
        s.execute(
            update(AlarmEscalationRow)
            .where(AlarmEscalationRow.alert_id == alert_id)
            .values(level=level, open=not closed)
        )
        s.commit()


def audience(db: sessionmaker[Session], point_id: str, who: Audience, now: float) -> set[str]:
    """Official ids to ring: the point's advisors signed in now (all of them if none is), or all of them."""
    with db() as s:
        return _audience(s, point_id, who, now)


def _audience(s: Session, point_id: str, who: Audience, now: float) -> set[str]:
    advisors = set(
        s.scalars(select(RoleGrant.official_id).where(RoleGrant.role == "advisor", RoleGrant.scope == point_id))
    )
    if who is Audience.EVERY_ADVISOR or not advisors:
        return advisors
    on_duty = set(
        s.scalars(
            select(LoginSession.official_id).where(
                LoginSession.official_id.in_(sorted(advisors)), LoginSession.expires_at > now
            )
        )
    )
    return on_duty or advisors


def plan_deliveries(db: sessionmaker[Session], alert_id: str, official_ids: set[str], level: int, now: float) -> int:
    """One pending delivery per subscription of ``official_ids``; returns how many were added."""
    with db() as s:
        added = _plan(s, alert_id, official_ids, level, now)
        s.commit()
    return added


def _plan(s: Session, alert_id: str, official_ids: set[str], level: int, now: float) -> int:
    if not official_ids:
        return 0
    subs = s.scalars(
        select(PushSubscriptionRow.id).where(PushSubscriptionRow.official_id.in_(sorted(official_ids)))
    ).all()
    known = set(
        s.scalars(
            select(PushDeliveryRow.subscription_id).where(
                PushDeliveryRow.alert_id == alert_id, PushDeliveryRow.level == level
            )
        )
    )
    fresh = [sub_id for sub_id in subs if sub_id not in known]
    for sub_id in fresh:
        s.add(
            PushDeliveryRow(
                alert_id=alert_id, subscription_id=sub_id, level=level, state="pending", attempts=0, next_at=now
            )
        )
    return len(fresh)


def start_alarm(
    db: sessionmaker[Session], alert_id: str, point_id: str, raised_at: float, who: Audience, level: int, now: float
) -> int | None:
    """A new alarm's ladder row and its first pushes, in one transaction (the call button waits on it);
    None if the alarm already has a ladder (raised twice: it climbs once)."""
    with db() as s:
        if s.get(AlarmEscalationRow, alert_id) is not None:
            return None
        s.add(AlarmEscalationRow(alert_id=alert_id, level=level, raised_at=raised_at, open=True))
        added = _plan(s, alert_id, _audience(s, point_id, who, now), level, now)
        s.commit()
    return added


# -- deliveries --


@dataclass(frozen=True)
class DueDelivery:
    delivery_id: int
    alert_id: str
    level: int
    attempts: int
    subscription: Subscription


def due(db: sessionmaker[Session], now: float, limit: int = 100) -> list[DueDelivery]:
    """Pending deliveries whose time has come, oldest first."""
    with db() as s:
        rows = s.execute(
            select(PushDeliveryRow, PushSubscriptionRow)
            .join(PushSubscriptionRow, PushSubscriptionRow.id == PushDeliveryRow.subscription_id)
            .where(PushDeliveryRow.state == "pending", PushDeliveryRow.next_at <= now)
            .order_by(PushDeliveryRow.next_at, PushDeliveryRow.id)
            .limit(limit)
        ).all()
    return [DueDelivery(d.id, d.alert_id, d.level, d.attempts, _sub(sub)) for d, sub in rows]


def mark_sent(db: sessionmaker[Session], delivery_id: int, now: float) -> None:
    with db() as s:
        s.execute(update(PushDeliveryRow).where(PushDeliveryRow.id == delivery_id).values(state="sent", sent_at=now))
        s.commit()


def mark_retry(db: sessionmaker[Session], delivery_id: int, attempts: int, next_at: float) -> None:
    with db() as s:
        s.execute(
            update(PushDeliveryRow).where(PushDeliveryRow.id == delivery_id).values(attempts=attempts, next_at=next_at)
        )
        s.commit()


def drop_gone(db: sessionmaker[Session], subscription_id: str) -> None:
    """The push service says the subscription is gone (404/410): forget it and what was waiting for it."""
    with db() as s:
        _drop(s, subscription_id)
        s.commit()


def deliveries_of(db: sessionmaker[Session], alert_id: str) -> list[tuple[str, int, str, int]]:
    """(subscription_id, level, state, attempts) of an alarm's deliveries: for tests and diagnostics."""
    with db() as s:
        rows = s.scalars(
            select(PushDeliveryRow).where(PushDeliveryRow.alert_id == alert_id).order_by(PushDeliveryRow.id)
        )
        return [(r.subscription_id, r.level, r.state, r.attempts) for r in rows]
