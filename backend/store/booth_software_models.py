"""What each booth last said of its software: image version, booted slot, update state, kiosk start."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class BoothSoftwareRow(Base):
    """One row a booth, replaced at each ``booth.software`` (so an offline booth's last state stays visible)."""

    __tablename__ = "booth_software"
    booth_id: Mapped[str] = mapped_column(ForeignKey("booth.id"), primary_key=True)
    version: Mapped[str] = mapped_column(String(80))
    slot: Mapped[str] = mapped_column(String(16))
    update_state: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[float] = mapped_column(Float)
    reported_at: Mapped[float] = mapped_column(Float)
