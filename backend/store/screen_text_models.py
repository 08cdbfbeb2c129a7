"""A service's name and description in the booth's screen-only languages (e.g. Russian).

A table of its own rather than columns on ``service``: the screen-only
languages are one declared list (``texts.SCREEN_ONLY_LANGUAGES``) that may grow
without a migration, and most services have no such texts at all. A service
with no row for a language is not offered on booth screens in that language.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class ServiceScreenText(Base):
    __tablename__ = "service_screen_text"
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
