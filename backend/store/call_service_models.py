"""Which service (matter) a call was for — so the reports' service filter narrows meetings too.

A table of its own rather than a column of ``call_record``: code that runs on an
older schema keeps working, and ``call_record`` stays as other branches know it
(the same reason as ``call_identification`` and ``call_feedback``). A call whose
citizen chose no matter has no row.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class CallServiceRow(Base):
    __tablename__ = "call_service"
    call_id: Mapped[str] = mapped_column(ForeignKey("call_record.id"), primary_key=True)
    #: the service's id as the broker knew it (the booking's, or the walk-in's chosen matter).
    service_id: Mapped[str] = mapped_column(String(64), index=True)
