"""ESC/POS real-time status (``DLE EOT n``): parse the printer's answers, decide what they mean.

Pure: the printer driver sends the query and hands over the byte it got back
(or ``None`` for no reply within its timeout). Why not python-escpos's own
``paper_status()``: it answers "adequate" when the printer says nothing, and a
booth must never promise a slip it cannot print. Here no reply is UNKNOWN.

Byte layouts (Epson ESC/POS "DLE EOT", shared by TM-T20/T88, Star in ESC/POS
mode, Bixolon, Xprinter and most clones). Every answer has bit 1 and bit 4 set
and bits 0 and 7 clear; anything else is not a status byte.

- n=1 printer status: bit 3 = offline.
- n=2 offline cause: bit 2 = cover open, bit 5 = stopped because paper ended,
  bit 6 = an error occurred.
- n=4 roll paper sensor: bits 2+3 = near end, bits 5+6 = paper end.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

DLE_EOT = b"\x10\x04"
QUERY_PRINTER = 1
QUERY_OFFLINE_CAUSE = 2
QUERY_PAPER = 4


def query(n: int) -> bytes:
    """The bytes that ask for status ``n``."""
    if n not in (1, 2, 3, 4):
        raise ValueError("DLE EOT n must be 1..4")
    return DLE_EOT + bytes([n])


class Paper(enum.Enum):
    OK = "ok"
    NEAR_END = "near end"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said. ``None`` fields: the printer did not tell (no or invalid reply)."""

    answered: bool
    online: bool | None = None
    cover_open: bool | None = None
    paper: Paper = Paper.UNKNOWN
    error: bool | None = None

    @property
    def refusal(self) -> str | None:
        """Why a job must not be started now, in words for the citizen's helper; None = go ahead."""
        if self.paper is Paper.OUT:
            return "the printer is out of paper"
        if self.cover_open:
            return "the printer cover is open"
        return None

    @property
    def problem(self) -> str:
        """The technician's one-line summary; empty when everything is known and fine."""
        if not self.answered:
            return "printer does not answer status queries"
        if self.paper is Paper.OUT:
            return "paper out"
        if self.cover_open:
            return "cover open"
        if self.error:
            return "printer reports an error (e.g. cutter jam)"
        if self.online is False:
            return "printer offline"
        if self.paper is Paper.NEAR_END:
            return "paper near end"
        if self.paper is Paper.UNKNOWN or self.online is None or self.cover_open is None:
            # An unanswered query is unknown, never fine: the cover may be open.
            return "printer status incomplete"
        return ""


UNANSWERED = PrinterStatus(answered=False)


def is_status_byte(value: int) -> bool:
    return value & 0b1001_0011 == 0b0001_0010


def parse_printer(value: int | None) -> bool | None:
    """n=1 → online? None for no or invalid reply."""
    if value is None or not is_status_byte(value):
        return None
    return not value & 0x08


def parse_offline_cause(value: int | None) -> tuple[bool | None, bool | None, bool | None]:
    """n=2 → (cover open, paper ended, error)."""
    if value is None or not is_status_byte(value):
        return None, None, None
    return bool(value & 0x04), bool(value & 0x20), bool(value & 0x40)


def parse_paper(value: int | None) -> Paper:
    """n=4 → paper roll sensor."""
    if value is None or not is_status_byte(value):
        return Paper.UNKNOWN
    if value & 0x60:
        return Paper.OUT
    if value & 0x0C:
        return Paper.NEAR_END
    return Paper.OK


def combine(printer: int | None, offline_cause: int | None, paper: int | None) -> PrinterStatus:
    """The three answers (each a byte, or None for no reply) → one status."""
    online = parse_printer(printer)
    cover_open, paper_ended, error = parse_offline_cause(offline_cause)
    paper_state = parse_paper(paper)
    if paper_ended and paper_state is not Paper.OUT:
        paper_state = Paper.OUT  # the offline cause is authoritative: printing has stopped for it
    answered = online is not None or cover_open is not None or paper_state is not Paper.UNKNOWN
    return PrinterStatus(answered=answered, online=online, cover_open=cover_open, paper=paper_state, error=error)


def first_byte(reply: bytes | None) -> int | None:
    """A transport's reply → the status byte, None when nothing came back."""
    return reply[0] if reply else None
