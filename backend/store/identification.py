"""Recording how a call's citizen was identified: the method and when, for the statistics."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.store.appointment_models import CallIdentificationRow


def record_identification(db: Session, call_id: str, method: str, at: float, recorded_by: str | None = None) -> None:
    """Once per call and method; a second identification the same way keeps the first row."""
    if db.get(CallIdentificationRow, (call_id, method)) is None:
        db.add(CallIdentificationRow(call_id=call_id, method=method, at=at, recorded_by=recorded_by))
        db.commit()


def methods_of(db: Session, call_id: str) -> list[str]:
    q = select(CallIdentificationRow.method).where(CallIdentificationRow.call_id == call_id)
    return sorted(db.scalars(q))


def count_by_method(db: Session) -> dict[str, int]:
    """Identified calls per method (what a report counts)."""
    q = select(CallIdentificationRow.method, func.count()).group_by(CallIdentificationRow.method)
    return {method: n for method, n in db.execute(q)}
