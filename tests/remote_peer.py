"""A remote participant on aiortc, in-process: answers the booth's offer and counts what arrives.

Stands in for an official's browser (or a guest's) where a real browser is
more than a test needs: the booth's media tests and ``bench.booth_peers``.
With ``send_video`` it sends a simulated camera and a tone back, as an
official's page does, so the booth has a picture and a voice to decode.
"""

from __future__ import annotations

import asyncio

from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk.media import CameraTrack, MediaStats, MicrophoneTrack


class RemotePeer:
    def __init__(self, send_video: bool = False, width: int = 640, height: int = 480) -> None:
        self.pc = RTCPeerConnection()
        self.video_frames = 0
        self.audio_frames = 0
        self.video_size: tuple[int, int] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.pc.on("track", self._track)
        if send_video:
            camera = SimulatedCamera("official", width, height)
            camera.open()
            self.pc.addTrack(CameraTrack(camera, MediaStats()))
            self.pc.addTrack(MicrophoneTrack(ToneMicrophone(frequency=660.0)))

    async def answer(self, offer_sdp: str) -> str:
        """Take the booth's offer; return the answer (with all candidates: aiortc gathers first)."""
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return self.pc.localDescription.sdp

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.pc.close()

    def _track(self, track: MediaStreamTrack) -> None:
        self._tasks.append(asyncio.ensure_future(self._count(track)))

    async def _count(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await track.recv()
                if track.kind == "video":
                    self.video_frames += 1
                    self.video_size = (frame.width, frame.height)
                else:
                    self.audio_frames += 1
        except MediaStreamError:
            pass
