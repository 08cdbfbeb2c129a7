"""The booth's side of the WebRTC call, on aiortc.

The booth makes the offer (it owns the tracks: face camera, microphone) and
the official's browser answers. aiortc gathers all ICE candidates before
``setLocalDescription`` returns, so the offer carries them and no trickle is
needed; candidates the browser trickles are still applied.

Remote video is converted once per frame to RGB at a fixed size and handed
to the screen, which blits it into a texture it allocated once. Remote audio
is measured (level, packet count) and passed to the speaker.
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import candidate_from_sdp
from av import AudioFrame, VideoFrame

from drivers.camera import Camera
from drivers.microphone import BLOCK, SAMPLE_RATE, Microphone

log = logging.getLogger("etapiste.media")


@dataclass
class MediaStats:
    """Counters of one call; no content. Read by the status file and the benchmark."""

    video_frames_sent: int = 0
    video_frames_received: int = 0
    audio_frames_received: int = 0
    audio_level_dbfs: float = -120.0
    first_remote_video_at: float | None = None  # unix time
    remote_video_size: tuple[int, int] | None = None


class CameraTrack(VideoStreamTrack):
    """Outgoing video read from a ``drivers.camera.Camera``; keeps the last frame for self-view."""

    def __init__(self, camera: Camera, stats: MediaStats) -> None:
        super().__init__()
        self.camera, self.stats = camera, stats
        self.last_bgr: np.ndarray | None = None
        self._black: np.ndarray | None = None

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        image = await asyncio.to_thread(self.camera.read)
        if image is None:  # a stalled camera sends black, and health says why
            if self._black is None:
                self._black = np.zeros((480, 640, 3), dtype=np.uint8)
            image = self._black
        else:
            self.last_bgr = image
        frame = VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts, frame.time_base = pts, time_base
        self.stats.video_frames_sent += 1
        return frame


class MicrophoneTrack(MediaStreamTrack):
    """Outgoing audio: 20 ms blocks from a ``drivers.microphone.Microphone``, paced in real time."""

    kind = "audio"

    def __init__(self, microphone: Microphone) -> None:
        super().__init__()
        self.microphone = microphone
        self._start: float | None = None
        self._samples = 0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._samples += BLOCK
            wait = self._start + self._samples / SAMPLE_RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        pcm = self.microphone.read(BLOCK)
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._samples
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return frame


class RemoteVideo:
    """Latest remote picture as RGB bytes at a size fixed by the first frame."""

    def __init__(self, stats: MediaStats) -> None:
        self.stats = stats
        self.size: tuple[int, int] | None = None
        self.rgb: bytes | None = None
        self.serial = 0  # bumps with every new picture; the screen blits when it changes

    def accept(self, frame: VideoFrame) -> None:
        if self.size is None:
            self.size = (frame.width, frame.height)
            self.stats.remote_video_size = self.size
            self.stats.first_remote_video_at = time.time()
        w, h = self.size
        self.rgb = frame.to_ndarray(format="rgb24", width=w, height=h).tobytes()
        self.serial += 1
        self.stats.video_frames_received += 1


def dbfs(pcm: np.ndarray) -> float:
    """RMS level of int16 PCM in dB relative to full scale."""
    if pcm.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(pcm.astype(np.float64)))))
    return 20 * math.log10(rms / 32768) if rms > 0 else -120.0


class CallMedia:
    """One call's peer connection. Create per call; ``close`` releases everything."""

    def __init__(
        self,
        camera: Camera,
        microphone: Microphone,
        ice_servers: list[RTCIceServer],
        on_state: Callable[[str], None],
    ) -> None:
        self.stats = MediaStats()
        self.remote_video = RemoteVideo(self.stats)
        self.camera_track = CameraTrack(camera, self.stats)
        self._pc = RTCPeerConnection(RTCConfiguration(iceServers=ice_servers))
        self._tasks: list[asyncio.Task[None]] = []
        self._on_state = on_state
        self._pc.on("connectionstatechange", self._state_changed)
        self._pc.on("track", self._track)
        self._pc.addTrack(self.camera_track)
        self._pc.addTrack(MicrophoneTrack(microphone))

    async def offer(self) -> str:
        await self._pc.setLocalDescription(await self._pc.createOffer())
        return self._pc.localDescription.sdp

    async def apply_answer(self, sdp: str) -> None:
        await self._pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def add_ice(self, candidate: str, sdp_mid: str | None, sdp_mline_index: int | None) -> None:
        if not candidate:
            return
        cand = candidate_from_sdp(candidate.removeprefix("candidate:"))
        cand.sdpMid, cand.sdpMLineIndex = sdp_mid, sdp_mline_index
        await self._pc.addIceCandidate(cand)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self._pc.close()

    def _state_changed(self) -> None:
        self._on_state(self._pc.connectionState)

    def _track(self, track: MediaStreamTrack) -> None:
        consume = self._consume_video if track.kind == "video" else self._consume_audio
        self._tasks.append(asyncio.ensure_future(consume(track)))

    async def _consume_video(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                self.remote_video.accept(await track.recv())
        except MediaStreamError:
            pass

    async def _consume_audio(self, track: MediaStreamTrack) -> None:
        """Measure the official's voice. Playback to the booth speaker is the
        speaker driver's job (see docs/ARCHITECTURE.md, not yet built)."""
        try:
            while True:
                frame = await track.recv()
                self.stats.audio_frames_received += 1
                self.stats.audio_level_dbfs = dbfs(frame.to_ndarray())
        except MediaStreamError:
            pass


def ice_servers_from(urls: list[str]) -> list[RTCIceServer]:
    return [RTCIceServer(urls=u) for u in urls]
