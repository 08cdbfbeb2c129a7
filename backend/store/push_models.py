"""The tables of the advisor's phone alarms: VAPID key, push subscriptions, deliveries, escalation.

- ``push_vapid_key``: the backend's one VAPID key pair (RFC 8292), generated on
  first use and kept, so the subscriptions phones made keep working after a
  restart (a new key would silently orphan every one of them).
- ``push_subscription``: one phone's (browser's) push endpoint and its public
  keys (RFC 8291) for one advisor; ``ack_key`` is a random secret the phone's
  service worker proves, per alarm, when "I'm on it" is tapped on a locked
  screen where no sign-in token is at hand. Removed when the push service says
  it is gone (404/410) or the advisor turns alarms off.
- ``push_delivery``: one alarm to one subscription, kept until the push service
  took it (201) or the subscription is gone; retried with backoff otherwise,
  so a push service that is down never drops an alarm.
- ``alarm_escalation``: where each open alarm is on its escalation ladder
  (``backend.domain.escalation``).

No citizen data in any of them: alarm payloads are built from the stored
alert's own texts, which name booths and services only.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class VapidKeyRow(Base):
    __tablename__ = "push_vapid_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1: one key per backend
    private_pem: Mapped[str] = mapped_column(Text)
    public_key: Mapped[str] = mapped_column(String(100))  # uncompressed P-256 point, base64url (applicationServerKey)
    created_at: Mapped[float] = mapped_column(Float)


class PushSubscriptionRow(Base):
    __tablename__ = "push_subscription"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    ack_key: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))  # the app's language: the alarm is written in it
    created_at: Mapped[float] = mapped_column(Float)


class PushDeliveryRow(Base):
    __tablename__ = "push_delivery"
    __table_args__ = (
        UniqueConstraint("alert_id", "subscription_id", "level", name="uq_push_delivery_once"),
        Index("ix_push_delivery_due", "state", "next_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("advisor_alert.id", ondelete="CASCADE"))
    subscription_id: Mapped[str] = mapped_column(String(32))  # no FK: the row outlives a gone subscription
    level: Mapped[int] = mapped_column(Integer)  # the escalation level that sent it
    state: Mapped[str] = mapped_column(String(10))  # pending, sent, gone
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[float] = mapped_column(Float)
    sent_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class AlarmEscalationRow(Base):
    __tablename__ = "alarm_escalation"
    alert_id: Mapped[str] = mapped_column(ForeignKey("advisor_alert.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[float] = mapped_column(Float)
    #: False once the alarm is acknowledged or at its last level: the escalation pass skips it.
    open: Mapped[bool] = mapped_column(default=True)
