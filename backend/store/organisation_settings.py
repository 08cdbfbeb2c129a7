"""An organisation's own message texts and closure days: reads for the outbox and the slot search, writes
for the admin app — each write with its audit entry in the caller's transaction.

The texts are checked here once more with ``backend.domain.message_texts.check``
(the HTTP layer checks them first for a 422): nothing that breaks a message is
ever stored, whoever calls. The audit entry names the key and language, never
the wording (it is not personal data, but the log stays short and uniform).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.domain import message_texts
from backend.store import audit
from backend.store.booking_models import ServiceRow
from backend.store.catalogue import NotFound
from backend.store.models import Organisation
from backend.store.organisation_models import OrganisationClosure, OrganisationText


def _must_exist(s: Session, organisation_id: str) -> None:
    if s.get(Organisation, organisation_id) is None:
        raise NotFound(f"no organisation {organisation_id!r}")


def own_texts(s: Session, organisation_id: str | None, language: str) -> dict[str, str]:
    """The organisation's own wording in ``language`` by key (empty: every text is the catalogue's)."""
    if not organisation_id:
        return {}
    q = select(OrganisationText.key, OrganisationText.text).where(
        OrganisationText.organisation_id == organisation_id, OrganisationText.language == language
    )
    return {k: v for k, v in s.execute(q) if k in message_texts.SPECS}


def organisation_of_service(s: Session, service_id: str | None) -> str | None:
    if not service_id:
        return None
    row = s.get(ServiceRow, service_id)
    return row.organisation_id if row else None


def all_own_texts(s: Session, organisation_id: str) -> dict[tuple[str, str], str]:
    """Every own text of the organisation by (key, language)."""
    q = select(OrganisationText).where(OrganisationText.organisation_id == organisation_id)
    return {(r.key, r.language): r.text for r in s.scalars(q)}


def set_text(s: Session, actor: str, organisation_id: str, key: str, language: str, text: str, now: float) -> None:
    """Store the organisation's wording (refused with ``MessageTextError`` if it breaks a rule)."""
    _must_exist(s, organisation_id)
    message_texts.check(key, language, text)
    row = s.get(OrganisationText, (organisation_id, key, language))
    if row is None:
        row = OrganisationText(organisation_id=organisation_id, key=key, language=language)
        s.add(row)
    row.text, row.changed_at, row.changed_by = text, now, actor
    s.flush()
    audit.record(s, actor, "message_text.set", "organisation", organisation_id, now, f"{key} {language}")


def reset_text(s: Session, actor: str, organisation_id: str, key: str, language: str, now: float) -> bool:
    """Back to the catalogue's default; True when there was an own text to remove."""
    _must_exist(s, organisation_id)
    message_texts.spec_of(key)
    message_texts.check_language(language)
    gone = s.execute(
        delete(OrganisationText).where(
            OrganisationText.organisation_id == organisation_id,
            OrganisationText.key == key,
            OrganisationText.language == language,
        )
    ).rowcount
    audit.record(s, actor, "message_text.default", "organisation", organisation_id, now, f"{key} {language}")
    return bool(gone)


@dataclass(frozen=True)
class Closure:
    day: date
    reason: str


def closures(s: Session, organisation_id: str) -> list[Closure]:
    q = (
        select(OrganisationClosure)
        .where(OrganisationClosure.organisation_id == organisation_id)
        .order_by(OrganisationClosure.day)
    )
    return [Closure(date.fromisoformat(c.day), c.reason) for c in s.scalars(q)]


def closure_days(s: Session, organisation_id: str | None) -> frozenset[date]:
    """The days the organisation's services cannot be booked (for the slot search)."""
    if not organisation_id:
        return frozenset()
    q = select(OrganisationClosure.day).where(OrganisationClosure.organisation_id == organisation_id)
    return frozenset(date.fromisoformat(d) for d in s.scalars(q))


def set_closures(s: Session, actor: str, organisation_id: str, days: list[Closure], now: float) -> None:
    """Replace the organisation's closure days (the admin app sends the whole list)."""
    _must_exist(s, organisation_id)
    s.execute(delete(OrganisationClosure).where(OrganisationClosure.organisation_id == organisation_id))
    s.flush()
    for c in sorted(days, key=lambda c: c.day):
        s.add(OrganisationClosure(organisation_id=organisation_id, day=c.day.isoformat(), reason=c.reason))
    s.flush()
    detail = f"{len(days)} closure days" + (": " + ", ".join(c.day.isoformat() for c in days[:30]) if days else "")
    audit.record(s, actor, "organisation.closures", "organisation", organisation_id, now, detail)
