"""The controller carries the machine's peer commands to real media: one connection per peer.

Real aiortc on loopback: the booth's ``CallMedia`` with a simulated camera,
remote participants as ``tests.remote_peer.RemotePeer``; the backend is a
fake socket that records what the booth sends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk import controller as ctl
from kiosk import session as sm
from kiosk.config import KioskConfig
from kiosk.devices import BoothDevices
from protocol.messages import (
    CameraSource,
    Participant,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantLeftReason,
    ParticipantRole,
    RtcAnswer,
    RtcOffer,
    SessionAdmitted,
    SessionEnded,
    SessionEndReason,
    SessionLobby,
)
from tests.remote_peer import RemotePeer
from tests.unit.kiosk.test_controller_qr import FakeSocket, FakeUi

SID = "s-1"


async def until(what: str, check: Callable[[], object], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def offers_to(controller: ctl.Controller, peer: str) -> list[RtcOffer]:
    return [m for m in controller._ws.sent if isinstance(m, RtcOffer) and m.peer == peer]  # type: ignore[union-attr]


async def answer(controller: ctl.Controller, remote: RemotePeer, peer: str) -> None:
    """The remote peer answers the booth's offer; the backend delivers it naming the sender."""
    await until(f"an offer to {peer}", lambda: offers_to(controller, peer))
    sdp = await remote.answer(offers_to(controller, peer)[-1].sdp)
    controller.feed(sm.Received(RtcAnswer(session_id=SID, peer=peer, sdp=sdp), controller.clock()))


async def test_the_booth_connects_to_each_participant_and_drops_one_who_leaves():
    camera = SimulatedCamera("face_camera", 160, 120)
    controller = ctl.Controller(
        KioskConfig(backend_url="ws://127.0.0.1:1/ws", booth_id="b-1", secret="s"),
        BoothDevices(cameras={CameraSource.FACE: camera}, microphone=ToneMicrophone()),
        FakeUi(),
    )
    camera.open()
    controller._ws = FakeSocket()  # type: ignore[assignment]
    official, guest = RemotePeer(), RemotePeer()
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

        tulkki = Participant(peer="g2", role=ParticipantRole.GUEST, name="Tulkki")
        controller.feed(sm.Received(ParticipantJoined(session_id=SID, participant=tulkki), now()))
        await answer(controller, guest, "g2")
        await until("video at the guest", lambda: guest.video_frames > 3)
        assert controller.media is not None and controller.media.peers == ("o1", "g2")

        left = ParticipantLeft(session_id=SID, peer="g2", reason=ParticipantLeftReason.REMOVED)
        controller.feed(sm.Received(left, now()))
        await until("the guest's connection closed", lambda: controller.media.peers == ("o1",))
        before = official.video_frames
        await until("video still at the official", lambda: official.video_frames > before + 3)
        assert controller.machine.state.phase is sm.Phase.IN_CALL

        controller.feed(sm.Received(SessionEnded(session_id=SID, reason=SessionEndReason.HUNG_UP), now()))
        assert controller.media is None
    finally:
        if controller.media is not None:
            await controller.media.close()
        await official.close()
        await guest.close()
        await asyncio.gather(*controller._tasks, return_exceptions=True)
