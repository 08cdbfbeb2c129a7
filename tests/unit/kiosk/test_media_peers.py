"""The booth's media keeps one peer connection per remote peer id (real aiortc, loopback)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk.media import CallMedia
from tests.remote_peer import RemotePeer


async def until(what: str, check: Callable[[], object], timeout: float = 30) -> None:
    """Wait for a state (never for a time); fail naming what did not happen."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_each_remote_peer_gets_its_own_connection_and_one_can_leave():
    camera = SimulatedCamera("face", 320, 240)
    camera.open()
    states: dict[str, str] = {}
    media = CallMedia(camera, ToneMicrophone(), [], lambda peer, state: states.__setitem__(peer, state))
    official, guest = RemotePeer(send_video=True, width=160, height=120), RemotePeer()
    try:
        for peer, remote in (("o1", official), ("g2", guest)):
            await media.apply_answer(peer, await remote.answer(await media.offer(peer)))
        assert media.peers == ("o1", "g2")
        await until("both connections up", lambda: states == {"o1": "connected", "g2": "connected"})
        await until("video at both remote peers", lambda: official.video_frames > 3 and guest.video_frames > 3)
        assert official.video_size == guest.video_size == (320, 240)
        # The call screen shows the first peer's (the official in charge's) picture.
        await until("the official's picture at the booth", lambda: media.remote_video.serial > 3)
        assert media.remote_video.size == (160, 120)

        await media.drop("g2")
        assert media.peers == ("o1",)
        after = official.video_frames
        await until("video still flowing to the official", lambda: official.video_frames > after + 3)
        with pytest.raises(KeyError, match="g2"):
            await media.apply_answer("g2", "v=0")
    finally:
        await media.close()
        await official.close()
        await guest.close()
    assert media.peers == ()
