"""The booth's call quality reports: figures from aiortc's statistics, and its side's events.

The pure part with made-up reports; then a real aiortc call on loopback to a
``RemotePeer``, with the backend a fake socket recording what the booth sends.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from drivers.health import Health
from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk import call_stats
from kiosk import controller as ctl
from kiosk import session as sm
from kiosk.config import KioskConfig
from kiosk.devices import BoothDevices
from protocol.messages import (
    CallEvent,
    CallStats,
    CameraSource,
    Participant,
    ParticipantRole,
    SessionAdmitted,
    SessionEnded,
    SessionEndReason,
    SessionLobby,
)
from tests.remote_peer import RemotePeer
from tests.unit.kiosk.test_controller_peers import SID, answer, until
from tests.unit.kiosk.test_controller_qr import FakeSocket, FakeUi


@dataclass
class Stat:
    type: str
    kind: str = "video"
    packetsLost: int = 0
    packetsReceived: int = 0
    bytesReceived: int = 0
    bytesSent: int = 0
    jitter: int | None = None
    roundTripTime: float | None = None


def _report(t: float, lost: int = 0) -> list[Stat]:
    return [
        Stat("inbound-rtp", "video", lost, int(900 * t), int(100_000 * t)),
        Stat("inbound-rtp", "audio", 0, int(50 * t), int(4000 * t), jitter=240),
        Stat("outbound-rtp", "video", bytesSent=int(90_000 * t)),
        Stat("remote-inbound-rtp", "video", roundTripTime=0.035),
    ]


async def until_async(what: str, check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def test_figures_over_an_interval_from_running_totals():
    first, snap = call_stats.figures(_report(3), 90, (640, 480), None, 3.0)
    assert first == {"jitter_ms": 5.0, "rtt_ms": 35.0, "width": 640, "height": 480}  # no rates yet
    second, _ = call_stats.figures(_report(6, lost=100), 180, (640, 480), snap, 6.0)
    assert second["fps"] == 30.0
    assert second["loss_pct"] == round(100 * 100 / (100 + 2850), 1)
    assert (second["kbps_in"], second["kbps_out"]) == (832.0, 720.0)  # 312 kB and 270 kB in 3 s
    CallStats(session_id="s", peer="o1", **second)  # valid on the wire


def test_the_pair_type_names_a_relay_and_its_transport():
    assert call_stats.pair_type("relay", "host", "tls") == "relay_tls"
    assert call_stats.pair_type("relay", "host", None) == "relay_udp"
    assert call_stats.pair_type("host", "srflx", None) == "srflx"
    assert call_stats.pair_type("host", "host", None) == "host"
    assert call_stats.pair_type(None, None, None) == "unknown"
    assert call_stats.selected_pair(object()) == "unknown"  # never an error


async def test_in_a_call_the_booth_reports_each_link_and_its_events(monkeypatch):
    monkeypatch.setattr(call_stats, "REPORT_S", 0.3)
    camera = SimulatedCamera("face_camera", 160, 120)
    controller = ctl.Controller(
        KioskConfig(backend_url="ws://127.0.0.1:1/ws", booth_id="b-1", secret="s"),
        BoothDevices(cameras={CameraSource.FACE: camera}, microphone=ToneMicrophone()),
        FakeUi(),
    )
    camera.open()
    controller._ws = FakeSocket()  # type: ignore[assignment]
    sent = controller._ws.sent  # type: ignore[union-attr]
    official = RemotePeer(send_video=True, width=320, height=240)
    now = controller.clock
    try:
        controller.feed(sm.Connected(now()))
        controller.feed(sm.StartPressed(now()))
        controller.feed(sm.Received(SessionLobby(session_id=SID), now()))
        both = (
            Participant(peer="booth", role=ParticipantRole.BOOTH, name="B1"),
            Participant(peer="o1", role=ParticipantRole.OFFICIAL, name="Veera"),
        )
        admitted = SessionAdmitted(
            session_id=SID, official_name="Veera", booth_name="B1", peer="booth", participants=both
        )
        controller.feed(sm.Received(admitted, now()))
        await answer(controller, official, "o1")
        await until("the call with the official", lambda: controller.machine.state.phase is sm.Phase.IN_CALL)

        def stats() -> list[CallStats]:
            return [m for m in sent if isinstance(m, CallStats) and m.fps is not None and m.fps > 0]

        async def reported() -> bool:
            # What the tick loop does every 0.25 s; the last report's time keeps them REPORT_S apart.
            controller._report_quality()
            await asyncio.gather(*controller._tasks)  # a report that failed fails the test here
            return bool(stats())

        await until_async("a report with frames flowing", reported)
        s = stats()[-1]
        assert (s.session_id, s.peer, s.pair) == (SID, "o1", "host")
        assert (s.width, s.height) == (320, 240) and s.kbps_in and s.kbps_out
        events = [m for m in sent if isinstance(m, CallEvent)]
        assert ("connection_state", "o1", "connected") in {(e.kind.value, e.peer, e.detail) for e in events}

        ok = (Health.ok("face_camera"), Health.ok("microphone"), Health.missing("document_camera", "none"))
        controller._health = ok
        controller._devices_changed((Health.degraded("face_camera", "stalled"), *ok[1:]))
        controller._devices_changed(ok)
        await until("the device events sent", lambda: len([m for m in sent if isinstance(m, CallEvent)]) >= 3)
        device = [
            (e.kind.value, e.detail) for e in sent if isinstance(e, CallEvent) and e.kind.value.startswith("device")
        ]
        assert device == [("device_fault", "face_camera"), ("device_ok", "face_camera")]  # not the absent camera

        controller.feed(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), now()))
        reports = len(stats())
        controller._quality_reported = 0.0
        controller._report_quality()
        assert len(stats()) == reports  # nothing after the call
    finally:
        if controller.media is not None:
            await controller.media.close()
        await official.close()
        await asyncio.gather(*controller._tasks, return_exceptions=True)
