"""Live sessions and resume tokens in the store: written on change, loaded at start-up.

The broker (``backend.domain.calls``) keeps the live sessions in memory; the
hub's one record writer mirrors each change here, in order, next to the call
record. After a crash (kill -9, power loss) the backend loads them again and
waits the resume grace period for the booth and the officials to come back
with their resume tokens (``backend.hub``, docs/RESILIENCE.md); only what
nobody resumes is then ended, as a dropped socket's session always was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from backend.domain.calls import CallParticipant, CallPhase, CallSession, Party
from backend.store.live_models import LiveSessionRow, ResumeTokenRow
from protocol.messages import ParticipantRole, Role, SessionEndReason

# -- sessions --


def encode(s: CallSession) -> str:
    """The session as JSON: every field the broker needs to carry it on."""
    body: dict[str, Any] = {
        name: getattr(s, name)
        for name in (
            "id",
            "booth_id",
            "requested_at",
            "official_id",
            "admitted_at",
            "ended_at",
            "booking_code",
            "booking_id",
            "booked_for",
            "appointment_start",
            "service_id",
            "language",
            "queue_entry_id",
            "offered_to",
            "screen_language",
            "peers_issued",
        )
    }
    body["phase"] = s.phase.value
    body["end_reason"] = s.end_reason.value if s.end_reason else None
    body["participants"] = [
        {
            "peer": p.peer,
            "role": p.role.value,
            "party_role": p.party.role.value,
            "party_id": p.party.id,
            "name": p.name,
            "joined_at": p.joined_at,
            "left_at": p.left_at,
            "duty": p.duty,
        }
        for p in s.participants
    ]
    return json.dumps(body, separators=(",", ":"))


def decode(text: str) -> CallSession:
    body = json.loads(text)
    participants = tuple(
        CallParticipant(
            peer=p["peer"],
            role=ParticipantRole(p["role"]),
            party=Party(Role(p["party_role"]), p["party_id"]),
            name=p["name"],
            joined_at=p["joined_at"],
            left_at=p["left_at"],
            duty=p.get("duty"),  # absent in sessions written before guests had a duty
        )
        for p in body.pop("participants")
    )
    phase = CallPhase(body.pop("phase"))
    reason = body.pop("end_reason")
    return CallSession(
        **body,
        phase=phase,
        end_reason=SessionEndReason(reason) if reason else None,
        participants=participants,
    )


def save(db: Session, s: CallSession, now: float) -> None:
    """Mirror one change: a live session is written, an ended one removed. The caller commits."""
    if s.phase is CallPhase.ENDED:
        db.execute(delete(LiveSessionRow).where(LiveSessionRow.id == s.id))
        return
    db.merge(LiveSessionRow(id=s.id, booth_id=s.booth_id, body=encode(s), updated_at=now))


def load(db: sessionmaker[Session]) -> list[CallSession]:
    """Every live session the last run left, oldest first."""
    with db() as s:
        rows = s.scalars(select(LiveSessionRow).order_by(LiveSessionRow.updated_at, LiveSessionRow.id))
        return [decode(r.body) for r in rows]


# -- resume tokens --


@dataclass(frozen=True)
class TokenChange:
    """A resume token given out (``expires_at`` None), released (when it stops being valid),
    taken (``gone``), or all of a party's released ones forgotten (``hashed`` None)."""

    party: Party
    hashed: str | None
    expires_at: float | None = None
    gone: bool = False


def apply_token(db: sessionmaker[Session], change: TokenChange) -> None:
    with db() as s:
        if change.hashed is None:
            s.execute(
                delete(ResumeTokenRow).where(
                    ResumeTokenRow.role == change.party.role.value,
                    ResumeTokenRow.party_id == change.party.id,
                    ResumeTokenRow.expires_at.is_not(None),
                )
            )
        elif change.gone:
            s.execute(delete(ResumeTokenRow).where(ResumeTokenRow.hash == change.hashed))
        else:
            s.merge(
                ResumeTokenRow(
                    hash=change.hashed,
                    role=change.party.role.value,
                    party_id=change.party.id,
                    expires_at=change.expires_at,
                )
            )
        s.commit()


def load_tokens(db: sessionmaker[Session], now: float, grace_s: float) -> list[tuple[str, Party, float]]:
    """The tokens still valid: (hash, party, until when). Those whose socket was open when the
    last run stopped are released now, for the grace period; expired ones are deleted."""
    with db() as s:
        s.execute(delete(ResumeTokenRow).where(ResumeTokenRow.expires_at <= now))
        rows = list(s.scalars(select(ResumeTokenRow)))
        out = []
        for r in rows:
            if r.expires_at is None:
                r.expires_at = now + grace_s
            out.append((r.hash, Party(Role(r.role), r.party_id), r.expires_at))
        s.commit()
        return out
