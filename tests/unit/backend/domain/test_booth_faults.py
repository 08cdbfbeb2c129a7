"""A booth's recent faults come from what it reports: devices, calls, software, connection."""

from __future__ import annotations

from backend.domain.booth_faults import BoothFaults, FaultKind
from protocol.messages import CallEvent, CallEventKind, DeviceState, DeviceStatus


def _dev(role: str, state: DeviceState) -> DeviceStatus:
    return DeviceStatus(role=role, state=state)


def test_a_device_unplugged_and_back_and_a_first_report_of_working_devices_is_no_fault():
    f = BoothFaults()
    ok = (_dev("printer", DeviceState.OK),)
    f.devices("b", None, ok, 10)
    assert f.recent("b") == []
    f.devices("b", ok, (_dev("printer", DeviceState.MISSING),), 20)
    f.devices("b", (_dev("printer", DeviceState.MISSING),), (_dev("printer", DeviceState.MISSING),), 25)
    f.devices("b", (_dev("printer", DeviceState.MISSING),), ok, 30)
    assert [(x.at, x.kind, x.detail) for x in f.recent("b")] == [
        (30, FaultKind.DEVICE_OK, "printer"),
        (20, FaultKind.DEVICE_FAULT, "printer: missing"),
    ]


def test_failed_calls_restarts_and_lost_connections_are_kept_newest_first_and_bounded():
    f = BoothFaults(keep=4)
    f.call_event("b", CallEvent(session_id="s1", kind=CallEventKind.ICE_STATE, detail="checking"), 1)
    f.call_event("b", CallEvent(session_id="s1", kind=CallEventKind.ICE_STATE, detail="failed"), 2)
    f.software("b", 100.0, None, 100)  # the first report after the backend started: no restart known
    f.software("b", 100.0, None, 150)  # the same kiosk reporting again
    f.disconnected("b", 200)
    f.connected("b", 212)
    f.software("b", 205.0, 100.0, 212)  # a newer start: the kiosk restarted
    kinds = [(x.kind, x.detail) for x in f.recent("b")]
    assert kinds == [
        (FaultKind.KIOSK_RESTARTED, ""),
        (FaultKind.RECONNECTED, "12 s"),
        (FaultKind.DISCONNECTED, ""),
        (FaultKind.CALL_FAILED, "ice_state: failed"),
    ]
    f.connected("other", 5)  # a first connection is no fault
    assert f.recent("other") == []
