"""The call button's pure core: debounce, short vs long press, LED model, wire parsing.

No I/O and no clock reads: the drivers in ``drivers/button.py`` feed raw level
changes with the time they saw them and call ``tick(now)`` while idle, so every
rule here is testable with made-up times.

Why debounce on the host at all: cheap button boxes forward the contact as-is
(an Arduino sketch that prints ``DOWN``/``UP`` on every pin change, a HID
button that reports every bounce), and a citizen pressing once must make one
call, not three.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from protocol.messages import AssistState

#: Contact bounces shorter than this are ignored (mechanical switches bounce 1–20 ms).
DEFAULT_DEBOUNCE_S = 0.03
#: Holding at least this long is a long press (e.g. "cancel my request").
DEFAULT_LONG_PRESS_S = 2.0


class PressKind(enum.Enum):
    SHORT = "short"
    LONG = "long"


@dataclass(frozen=True)
class Press:
    """One press of the call button; ``at`` is when it became a press of that kind."""

    kind: PressKind
    at: float


class LedState(enum.Enum):
    """What the button's indicator LED says to the citizen."""

    OFF = "OFF"  # nothing pending
    ON = "ON"  # help requested, waiting for the advisor
    BLINK = "BLINK"  # the advisor has acknowledged and is coming


_LED_FOR_ASSIST = {
    AssistState.NONE: LedState.OFF,
    AssistState.REQUESTED: LedState.ON,
    AssistState.ACKNOWLEDGED: LedState.BLINK,
}


def led_for(assist: AssistState) -> LedState:
    """What the LED shows for the backend's ``assist.status``: lit = requested, blinking = acknowledged."""
    return _LED_FOR_ASSIST[assist]


class PressClassifier:
    """Turns raw contact levels into debounced ``Press`` events.

    A level counts once it has been stable for ``debounce_s``; durations are
    measured between the accepted edges, so bounce does not shorten a press.
    A long press is reported as soon as the button has been held ``long_s``
    (the citizen gets feedback while still holding); its release then reports
    nothing. A shorter hold is reported as SHORT on release.
    """

    def __init__(self, long_s: float = DEFAULT_LONG_PRESS_S, debounce_s: float = DEFAULT_DEBOUNCE_S) -> None:
        if debounce_s < 0:
            raise ValueError("debounce_s must not be negative")
        if long_s <= debounce_s:
            raise ValueError("long_s must be longer than debounce_s")
        self.long_s, self.debounce_s = long_s, debounce_s
        self._raw = False
        self._raw_since = 0.0
        self.pressed = False  # the debounced level
        self._press_start = 0.0
        self._long_sent = False

    def feed(self, pressed: bool, t: float) -> list[Press]:
        """A raw level seen at time ``t``; returns the presses that became certain by then."""
        events = self.tick(t)  # settle what was pending before this edge
        if pressed != self._raw:
            self._raw, self._raw_since = pressed, t
        return events + self.tick(t)

    def tick(self, now: float) -> list[Press]:
        """Time passed without a raw change; returns presses that became certain by ``now``."""
        events: list[Press] = []
        if self._raw != self.pressed and now - self._raw_since >= self.debounce_s:
            self.pressed = self._raw
            if self.pressed:
                self._press_start, self._long_sent = self._raw_since, False
            elif not self._long_sent:
                events.append(Press(PressKind.SHORT, self._raw_since))
        # A release still being debounced holds the long press back: if it is real, the hold was short.
        if self.pressed and self._raw and not self._long_sent and now - self._press_start >= self.long_s:
            self._long_sent = True
            events.append(Press(PressKind.LONG, self._press_start + self.long_s))
        return events


# --- USB-serial wire protocol (documented in drivers/button.py) -------------------------------

#: A line longer than this is garbage (the longest valid line is ``LED BLINK``).
MAX_LINE = 64


class LineKind(enum.Enum):
    DOWN = "DOWN"
    UP = "UP"
    PONG = "PONG"
    LED = "LED"  # the box reports its LED state
    HELLO = "HELLO"  # the box announces itself after reset (firmware version follows)
    GARBAGE = "GARBAGE"  # anything else: counted and logged, never fatal


@dataclass(frozen=True)
class Line:
    kind: LineKind
    led: LedState | None = None
    detail: str = ""  # for GARBAGE: why, safe to log (never the raw bytes beyond a short repr)


def parse_line(raw: bytes) -> Line:
    """One line from the button box (without its terminator) → what it means."""
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        return Line(LineKind.GARBAGE, detail=f"not ASCII: {raw[:16]!r}")
    word, _, rest = text.partition(" ")
    word = word.upper()
    if word in ("DOWN", "UP", "PONG") and not rest:
        return Line(LineKind[word])
    if word == "HELLO":
        return Line(LineKind.HELLO, detail=rest[:32])
    if word == "LED":
        try:
            return Line(LineKind.LED, led=LedState(rest.strip().upper()))
        except ValueError:
            return Line(LineKind.GARBAGE, detail=f"unknown LED state {rest[:16]!r}")
    return Line(LineKind.GARBAGE, detail=f"unknown line {text[:16]!r}")


@dataclass
class LineSplitter:
    """Splits a byte stream into lines; an overlong line becomes one GARBAGE line, not a memory leak."""

    max_line: int = MAX_LINE
    _buf: bytearray = field(default_factory=bytearray)
    _overlong: bool = False

    def feed(self, data: bytes) -> list[Line]:
        lines: list[Line] = []
        for byte in data:
            if byte in (0x0A, 0x0D):
                if self._overlong:
                    lines.append(Line(LineKind.GARBAGE, detail=f"line longer than {self.max_line} bytes"))
                elif self._buf:
                    lines.append(parse_line(bytes(self._buf)))
                self._buf.clear()
                self._overlong = False
            elif self._overlong:
                continue
            elif len(self._buf) >= self.max_line:
                self._overlong = True
                self._buf.clear()
            else:
                self._buf.append(byte)
        return lines


def led_command(state: LedState) -> bytes:
    return f"LED {state.value}\n".encode("ascii")


# --- USB HID reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HidReportMap:
    """Where the button's state is in an interrupt-IN report.

    Typical "big red button" HIDs report a byte whose bit 0 is the switch
    (some report it inverted: ``active_low``). The byte and bit come from the
    booth config, because every model puts it somewhere else.
    """

    byte: int = 0
    mask: int = 0x01
    active_low: bool = False

    def __post_init__(self) -> None:
        if self.byte < 0:
            raise ValueError("byte must be >= 0")
        if not 0 < self.mask <= 0xFF:
            raise ValueError("mask must be 1..255")

    def level(self, report: bytes | bytearray) -> bool | None:
        """Pressed or not; None when the report is too short to hold the byte (a different report)."""
        if len(report) <= self.byte:
            return None
        bit = bool(report[self.byte] & self.mask)
        return bit != self.active_low
