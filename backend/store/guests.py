"""Invitations of third parties: storing them, their messages through the outbox, and the link's life.

The rules are ``backend.domain.guests``'s; this module maps a row to its
``Link``, stores what the rules answer, stages the invitation and the code
messages in the outbox in the same transaction (an invitation and its SMS land
together or not at all), and appends to the audit log who invited, revoked or
removed whom — by invitation id and role, never the name or contact.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain import guests as rules
from backend.domain.notify import (
    BookingNotice,
    NoticeChannel,
    NoticeKind,
    PlannedMessage,
    guest_code_text,
    plan,
)
from backend.notify import outbox
from backend.store import audit, catalogue
from backend.store.booking_models import BookingRow
from backend.store.guest_models import GuestInvitationRow
from backend.store.models import ServicePoint


class NoSuchLink(LookupError):
    """No invitation has this link (or it is not the caller's to change)."""


@dataclass(frozen=True)
class Target:
    """What the third party is invited to: a booking, or a call in progress (``session_id``)."""

    organisation_id: str
    point_id: str
    valid_from: float
    valid_until: float
    starts_at: float
    service_id: str | None = None
    booking_id: str | None = None
    booking_code: str | None = None
    session_id: str | None = None


@dataclass(frozen=True)
class Invitation:
    """An invitation as the inviter's screens show it (the name, never the phone or e-mail)."""

    id: str
    role: str
    language: str | None
    name: str | None
    valid_from: float
    valid_until: float
    state: str  # invited, code_sent, verified, admitted, removed, revoked, locked, expired
    booking_id: str | None
    session_id: str | None


def booking_target(s: Session, b: BookingRow) -> Target:
    start, end = rules.booking_window(b.start, b.end)
    return Target(
        organisation_id=b.organisation_id,
        point_id=b.point_id,
        valid_from=start,
        valid_until=end,
        starts_at=b.start,
        service_id=b.service_id,
        booking_id=b.id,
        booking_code=b.code,
    )


def link_of(row: GuestInvitationRow) -> rules.Link:
    return rules.Link(
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        revoked=row.revoked_at is not None,
        removed=row.removed_at is not None,
        locked=row.locked,
        device_hash=row.device_hash,
        code_hash=row.code_hash,
        code_sent_at=row.code_sent_at,
        codes_sent=row.codes_sent,
        tries=row.tries,
    )


def _store(row: GuestInvitationRow, link: rules.Link) -> None:
    row.locked, row.device_hash, row.code_hash = link.locked, link.device_hash, link.code_hash
    row.code_sent_at, row.codes_sent, row.tries = link.code_sent_at, link.codes_sent, link.tries


def invitation(row: GuestInvitationRow, now: float) -> Invitation:
    if row.revoked_at is not None:
        st = "revoked"
    elif row.removed_at is not None:
        st = "removed"
    elif row.locked:
        st = "locked"
    elif now >= row.valid_until:
        st = "expired"
    elif row.admitted_at is not None:
        st = "admitted"
    elif row.verified_at is not None:
        st = "verified"
    elif row.code_sent_at is not None:
        st = "code_sent"
    else:
        st = "invited"
    return Invitation(
        row.id, row.role, row.language, row.name, row.valid_from, row.valid_until, st, row.booking_id, row.session_id
    )


def _reference(invitation_id: str) -> str:
    """The outbox's booking-code column for a guest's messages: the invitation, not the citizen's booking
    (the guest's messages are purged with the guest's data, and never shown as the citizen's)."""
    return f"g-{invitation_id[:24]}"


def _keyed(message: PlannedMessage, *parts: str) -> PlannedMessage:
    key = hashlib.sha256("\x1f".join((message.dedupe_key, *parts)).encode()).hexdigest()[:40]
    return replace(message, dedupe_key=key)


def invite(
    s: Session,
    by: str,
    who: rules.GuestContact,
    target: Target,
    public_url: str,
    token: str,
    message_language: str,
    now: float,
) -> tuple[Invitation, str]:
    """Store the invitation and stage its link message; return it and the link. The caller commits."""
    row = GuestInvitationRow(
        id=uuid.uuid4().hex,
        token_hash=rules.digest(token),
        role=who.role.value,
        language=who.language,
        booking_id=target.booking_id,
        session_id=target.session_id,
        organisation_id=target.organisation_id,
        point_id=target.point_id,
        service_id=target.service_id,
        invited_by=by,
        created_at=now,
        valid_from=target.valid_from,
        valid_until=target.valid_until,
        name=who.name,
        phone=who.phone,
        email=who.email,
        codes_sent=0,
        tries=0,
        locked=False,
    )
    s.add(row)
    link = f"{public_url}/guest/#{token}"
    point = s.get(ServicePoint, target.point_id)
    names = dict(catalogue.service(s, target.service_id).names) if target.service_id else {}
    notice = BookingNotice(
        kind=NoticeKind.THIRD_PARTY_INVITATION,
        booking_code=_reference(row.id),
        service_name=names or {"fi": point.name if point else target.point_id},
        point_name=point.name if point else target.point_id,
        point_address=point.address if point else "",
        starts_at=datetime.fromtimestamp(target.starts_at, UTC),
        language=message_language,
        phone=who.phone,
        email=who.email,
        invite_link=link,
    )
    for message in plan(notice, datetime.fromtimestamp(now, UTC)).messages:
        outbox.stage(s, _keyed(message, row.id), now)
    what = f"booking {target.booking_code}" if target.booking_code else "a call in progress"
    audit.record(s, by, "guest.invite", "guest_invitation", row.id, now, f"role {row.role} for {what}")
    s.flush()
    return invitation(row, now), link


def by_token(s: Session, token: str) -> GuestInvitationRow | None:
    return s.scalars(select(GuestInvitationRow).where(GuestInvitationRow.token_hash == rules.digest(token))).first()


def link_state(s: Session, token: str, device_token: str | None, now: float) -> rules.LinkState:
    """What opening the link shows; an unknown link is "no longer valid" like any other dead one."""
    row = by_token(s, token)
    if row is None:
        return rules.LinkState.NO_LONGER_VALID
    return rules.state(link_of(row), now, device_token)


def send_code(s: Session, token: str, code: str, message_language: str, now: float) -> None:
    """Check the rules, store the code's hash and stage its message. The caller commits.
    Raises ``rules.GuestError`` (``TooSoon``) or ``NoSuchLink``."""
    row = by_token(s, token)
    if row is None:
        raise NoSuchLink("link: this link is no longer valid")
    link = rules.send_code(link_of(row), code, now)
    _store(row, link)
    subject, text = guest_code_text(message_language, code)
    at = datetime.fromtimestamp(now, UTC)
    for channel, to in ((NoticeChannel.SMS, row.phone), (NoticeChannel.EMAIL, row.email)):
        if not to:
            continue
        message = PlannedMessage(
            kind=NoticeKind.GUEST_CODE,
            channel=channel,
            recipient=to,
            subject=subject if channel is NoticeChannel.EMAIL else None,
            text=text if channel is NoticeChannel.SMS else text + "\n",
            send_at=at,
            booking_code=_reference(row.id),
            language=message_language,
            dedupe_key=hashlib.sha256(f"{row.id}|code|{link.codes_sent}|{channel}".encode()).hexdigest()[:40],
            expires_at=datetime.fromtimestamp(now + rules.CODE_VALID_S, UTC),
        )
        outbox.stage(s, message, now)


def verify(s: Session, token: str, code: str, device_token: str, now: float) -> GuestInvitationRow:
    """Bind the link to this device if the code is right. The caller commits in both cases: a wrong
    code is counted (``rules.CodeRefused`` is raised after storing it)."""
    row = by_token(s, token)
    if row is None:
        raise NoSuchLink("link: this link is no longer valid")
    try:
        link = rules.check_code(link_of(row), code, device_token, now)
    except rules.CodeRefused as refused:
        _store(row, refused.link)
        if refused.link.locked:
            audit.record(s, audit.SYSTEM, "guest.locked", "guest_invitation", row.id, now, "too many wrong codes")
        raise
    _store(row, link)
    row.verified_at = now
    return row


def by_device(s: Session, device_token: str, now: float) -> GuestInvitationRow | None:
    """The invitation a verified device holds, while its link is valid."""
    row = s.scalars(
        select(GuestInvitationRow).where(GuestInvitationRow.device_hash == rules.digest(device_token))
    ).first()
    if row is None or rules.state(link_of(row), now, device_token) is not rules.LinkState.VALID:
        return None
    return row


def revoke(s: Session, by: str, invitation_id: str, now: float) -> GuestInvitationRow:
    row = s.get(GuestInvitationRow, invitation_id)
    if row is None:
        raise NoSuchLink("invitation_id: no such invitation")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(s, by, "guest.revoke", "guest_invitation", row.id, now, f"role {row.role}")
    return row


def removed(s: Session, by: str, invitation_id: str, now: float) -> None:
    """The official removed the guest from the call: the link stops working."""
    row = s.get(GuestInvitationRow, invitation_id)
    if row is not None and row.removed_at is None:
        row.removed_at = now
        audit.record(s, by, "guest.remove", "guest_invitation", row.id, now, f"role {row.role}")


def of_booking(s: Session, booking_id: str, now: float) -> list[Invitation]:
    rows = s.scalars(
        select(GuestInvitationRow)
        .where(GuestInvitationRow.booking_id == booking_id)
        .order_by(GuestInvitationRow.created_at)
    )
    return [invitation(r, now) for r in rows]


def of_session(s: Session, session_id: str, now: float) -> list[Invitation]:
    rows = s.scalars(
        select(GuestInvitationRow)
        .where(GuestInvitationRow.session_id == session_id)
        .order_by(GuestInvitationRow.created_at)
    )
    return [invitation(r, now) for r in rows]
