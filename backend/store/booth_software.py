"""Keeping and reading what booths report of their software (``booth.software``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.store.booth_software_models import BoothSoftwareRow
from protocol.messages import BoothSoftware


def record(s: Session, booth_id: str, msg: BoothSoftware, now: float) -> None:
    row = s.get(BoothSoftwareRow, booth_id) or BoothSoftwareRow(booth_id=booth_id)
    row.version, row.slot, row.update_state = msg.version, msg.slot, msg.update_state
    row.started_at, row.reported_at = msg.started_at, now
    s.add(row)


def all_reports(s: Session) -> dict[str, BoothSoftwareRow]:
    return {r.booth_id: r for r in s.scalars(select(BoothSoftwareRow))}
