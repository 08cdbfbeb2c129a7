"""The tables of what is live now, so a backend restart does not end it.

- ``live_session``: each session the broker holds (a citizen in the lobby, a call
  in progress) as the broker sees it: phase, the official in charge, the
  participants and their peer ids (``backend.store.live_sessions``). Written on
  every change, deleted when the session ends; loaded at start-up.
- ``resume_token``: the hash of each resume token given out (never the token),
  the one party it resumes, and when it stops being valid (NULL: its socket was
  open; at start-up such a socket died with the last run).

No call content, no citizen's identity: the same facts ``call_record`` keeps,
plus the matter and language the citizen chose.
"""

from __future__ import annotations

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.store.models import Base


class LiveSessionRow(Base):
    __tablename__ = "live_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    booth_id: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[str] = mapped_column(Text)  # the session as JSON (live_sessions.encode)
    updated_at: Mapped[float] = mapped_column(Float)


class ResumeTokenRow(Base):
    __tablename__ = "resume_token"
    hash: Mapped[str] = mapped_column(String(128), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    party_id: Mapped[str] = mapped_column(String(64), index=True)
    expires_at: Mapped[float | None] = mapped_column(Float, nullable=True)
