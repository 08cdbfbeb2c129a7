"""Each booth's recent faults, for the support provider's Booth support section.

Built only from what the booth already tells the backend — its device reports,
its call events, its software report and its connection — so nothing new
travels and nothing personal is in it: a fault is a time, a kind and a code
(a device's role, an ICE state, seconds offline). Pure: the hub passes each
report and the time in; kept in memory (``RECENT_FAULTS`` per booth), as the
pilots asked for "what went wrong lately", not an archive — a backend restart
starts the history afresh.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from protocol.messages import CallEvent, CallEventKind, DeviceState, DeviceStatus

#: Faults kept per booth, newest last.
RECENT_FAULTS = 50


class FaultKind(StrEnum):
    DEVICE_FAULT = "device_fault"  # detail: the device's role and state, e.g. face_camera: missing
    DEVICE_OK = "device_ok"  # detail: the device's role (plugged back, working again)
    DISCONNECTED = "disconnected"  # the booth's connection to the backend dropped
    RECONNECTED = "reconnected"  # detail: seconds the booth was away
    CALL_FAILED = "call_failed"  # detail: ice_state failed, connection_state failed or media_failed
    KIOSK_RESTARTED = "kiosk_restarted"  # the kiosk started again (watchdog, a crash, a restart by support)


@dataclass(frozen=True)
class Fault:
    at: float
    kind: FaultKind
    detail: str = ""


class BoothFaults:
    """The recent faults of every booth (the hub's loop only)."""

    def __init__(self, keep: int = RECENT_FAULTS) -> None:
        self._keep = keep
        self._faults: dict[str, deque[Fault]] = {}
        self._away_since: dict[str, float] = {}
        self._started: dict[str, float] = {}

    def _add(self, booth_id: str, fault: Fault) -> None:
        self._faults.setdefault(booth_id, deque(maxlen=self._keep)).append(fault)

    def recent(self, booth_id: str) -> list[Fault]:
        """Newest first."""
        return list(reversed(self._faults.get(booth_id, ())))

    def devices(
        self, booth_id: str, before: tuple[DeviceStatus, ...] | None, after: tuple[DeviceStatus, ...], now: float
    ) -> None:
        """A device report: a device that stopped working, and one that works again (not the first report's
        working devices: a booth that just started is not "plugged back")."""
        was = {d.role: d.state for d in before or ()}
        for d in after:
            old = was.get(d.role)
            if d.state is not DeviceState.OK and old != d.state:
                self._add(booth_id, Fault(now, FaultKind.DEVICE_FAULT, f"{d.role}: {d.state.value}"))
            elif d.state is DeviceState.OK and old is not None and old is not DeviceState.OK:
                self._add(booth_id, Fault(now, FaultKind.DEVICE_OK, d.role))

    def call_event(self, booth_id: str, event: CallEvent, now: float) -> None:
        """A call's media failing at the booth (ICE or the connection failed, or the media never started)."""
        if event.kind is CallEventKind.MEDIA_FAILED:
            self._add(booth_id, Fault(now, FaultKind.CALL_FAILED, f"media_failed: {event.detail or '-'}"))
        elif event.kind in (CallEventKind.ICE_STATE, CallEventKind.CONNECTION_STATE) and event.detail == "failed":
            self._add(booth_id, Fault(now, FaultKind.CALL_FAILED, f"{event.kind.value}: failed"))

    def software(self, booth_id: str, started_at: float, previous_started_at: float | None, now: float) -> None:
        """The booth's software report: a kiosk start later than the one last reported is a restart."""
        known = self._started.get(booth_id, previous_started_at)
        self._started[booth_id] = started_at
        if known is not None and started_at > known:
            self._add(booth_id, Fault(started_at if started_at <= now else now, FaultKind.KIOSK_RESTARTED))

    def disconnected(self, booth_id: str, now: float) -> None:
        self._away_since[booth_id] = now
        self._add(booth_id, Fault(now, FaultKind.DISCONNECTED))

    def connected(self, booth_id: str, now: float) -> None:
        since = self._away_since.pop(booth_id, None)
        if since is not None:
            self._add(booth_id, Fault(now, FaultKind.RECONNECTED, f"{round(now - since)} s"))
