"""The first peer connection is made while the citizen waits in the lobby, and its offer goes at Admit.

Real aiortc on loopback to a ``tests.remote_peer.RemotePeer``; the backend is a
fake socket recording what the booth sends.
"""

from __future__ import annotations

import asyncio

from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk import controller as ctl
from kiosk import session as sm
from kiosk.config import KioskConfig
from kiosk.devices import BoothDevices
from kiosk.media import offer_sdp
from protocol.messages import (
    CameraSource,
    Participant,
    ParticipantRole,
    SessionAdmitted,
    SessionEnd,
    SessionEnded,
    SessionEndReason,
    SessionLobby,
)
from tests.remote_peer import RemotePeer
from tests.unit.kiosk.test_controller_peers import SID, answer, offers_to, until
from tests.unit.kiosk.test_controller_qr import FakeSocket, FakeUi


def _booth() -> tuple[ctl.Controller, SimulatedCamera]:
    camera = SimulatedCamera("face_camera", 160, 120)
    controller = ctl.Controller(
        KioskConfig(backend_url="ws://127.0.0.1:1/ws", booth_id="b-1", secret="s"),
        BoothDevices(cameras={CameraSource.FACE: camera}, microphone=ToneMicrophone()),
        FakeUi(),
    )
    controller._ws = FakeSocket()  # type: ignore[assignment]
    return controller, camera


async def test_the_offer_made_in_the_lobby_goes_at_admit_and_the_call_flows():
    controller, camera = _booth()
    camera.open()
    official = RemotePeer()
    now = controller.clock
    try:
        controller.feed(sm.Connected(now()))
        controller.feed(sm.StartPressed(now()))
        assert controller._prepared is None  # not before the citizen is in the lobby
        controller.feed(sm.Received(SessionLobby(session_id=SID), now()))
        prepared = controller._prepared
        assert prepared is not None
        await until("the lobby's offer gathered", lambda: prepared.offer_sdp is not None)
        assert controller.media is None  # no call media (camera, microphone) before Admit
        assert prepared.pc.connectionState == "new"  # nothing can flow before an answer
        both = (
            Participant(peer="booth", role=ParticipantRole.BOOTH, name="B1"),
            Participant(peer="o1", role=ParticipantRole.OFFICIAL, name="Veera"),
        )
        admitted = SessionAdmitted(
            session_id=SID, official_name="Veera", booth_name="B1", peer="booth", participants=both
        )
        controller.feed(sm.Received(admitted, now()))
        await until("the offer to the official", lambda: offers_to(controller, "o1"))
        assert offers_to(controller, "o1")[0].sdp == offer_sdp(prepared.offer_sdp)  # made in the lobby, not now
        assert controller._prepared is None  # taken once
        await answer(controller, official, "o1")
        await until("the call with the official", lambda: controller.machine.state.phase is sm.Phase.IN_CALL)
        await until("the booth's camera at the official", lambda: official.video_frames > 3)
        controller.feed(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), now()))
    finally:
        if controller.media is not None:
            await controller.media.close()
        await official.close()
        await asyncio.gather(*controller._tasks, *controller._closing, return_exceptions=True)


async def test_a_citizen_who_leaves_the_lobby_takes_the_prepared_connection_with_them():
    controller, _camera = _booth()
    now = controller.clock
    controller.feed(sm.Connected(now()))
    controller.feed(sm.StartPressed(now()))
    controller.feed(sm.Received(SessionLobby(session_id=SID), now()))
    prepared = controller._prepared
    assert prepared is not None
    controller.press_cancel()  # the citizen gives up waiting
    await until("the cancel to be sent", lambda: any(isinstance(m, SessionEnd) for m in controller._ws.sent))  # type: ignore[union-attr]
    controller.feed(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.CANCELLED), now()))
    assert controller._prepared is None
    await asyncio.gather(*controller._closing, return_exceptions=True)
    assert prepared.pc.connectionState == "closed"
    await asyncio.gather(*controller._tasks, return_exceptions=True)
