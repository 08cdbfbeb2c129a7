"""The shared health model of booth devices.

Every driver reports one ``Health``: ok, degraded or missing, with a reason
written for the technician who reads it on the fleet view ("no frames for
3 s", not "errno 19"). The kiosk forwards it to the backend as-is.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol.messages import DeviceState, DeviceStatus


@dataclass(frozen=True)
class Health:
    role: str  # what the device is in the booth: face_camera, document_camera, microphone, ...
    state: DeviceState
    reason: str = ""

    @classmethod
    def ok(cls, role: str, reason: str = "") -> Health:
        return cls(role, DeviceState.OK, reason)

    @classmethod
    def degraded(cls, role: str, reason: str) -> Health:
        return cls(role, DeviceState.DEGRADED, reason)

    @classmethod
    def missing(cls, role: str, reason: str) -> Health:
        return cls(role, DeviceState.MISSING, reason)

    def to_status(self) -> DeviceStatus:
        return DeviceStatus(role=self.role, state=self.state, reason=self.reason[:500])
