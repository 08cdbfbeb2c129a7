"""The booth's side of the WebRTC call, on aiortc.

The booth holds one peer connection per other participant of the call (a
mesh from the booth: see "Media topology" in docs/ARCHITECTURE.md), keyed by
the participant's peer id. It makes every offer (it owns the tracks: face
camera, microphone) and each remote participant answers. The camera and the
microphone are read once. The camera is encoded once too, in VP8, and every
connection sends the same compressed frames (``kiosk.shared_video``): with
three remote peers the booth does not encode three times. The microphone's
frames go to every connection through ``MediaRelay`` (Opus per peer is
cheap). aiortc gathers all ICE candidates before
``setLocalDescription`` returns, so the offer carries them and no trickle is
needed; candidates the browser trickles are still applied. Since gathering
waits for STUN and TURN servers, the first connection is prepared while the
citizen waits in the lobby (``PreparedConnection``) and its offer goes out at
Admit.

Remote video is kept as decoded and converted to RGB at a fixed size only
when the screen takes it (``RemoteVideo``), which blits it into a texture it
allocated once. Remote audio
is measured (level, packet count), converted once to 48 kHz mono (whatever
rate and layout the decoder gives) and pushed to the booth's playout
``kiosk.playout.Mixer``, which the speaker's thread pulls from.
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceCandidate,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import SessionDescription, candidate_from_sdp
from av import AudioFrame, AudioResampler, VideoFrame
from av import error as av_error

from drivers.camera import Camera
from drivers.microphone import BLOCK, SAMPLE_RATE, Microphone
from kiosk.ice_path import candidate_summary, selected_pair
from kiosk.playout import Mixer
from kiosk.shared_video import EncodedVideoTrack, SharedVideoEncoder, feedback_to, send_vp8_only
from protocol.messages import IceServer

log = logging.getLogger("etapiste.media")


@dataclass
class MediaStats:
    """Counters of one call; no content. Read by the status file and the benchmark."""

    video_frames_sent: int = 0
    video_frames_received: int = 0
    audio_frames_received: int = 0
    audio_frames_sent: int = 0  # 20 ms blocks the microphone track produced
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
        frame = await asyncio.to_thread(self._grab)
        frame.pts, frame.time_base = pts, time_base
        self.stats.video_frames_sent += 1
        return frame

    def _grab(self) -> VideoFrame:
        """In a worker thread: read the camera and convert the picture once to the encoders' format.

        Every peer connection's encoder gets this same frame (``MediaRelay``).
        Converting here rather than in each encoder costs one conversion per
        frame, not one per peer, and keeps two encoder threads from sharing
        the frame's cached converter (libswscale is not thread-safe: it crashed).
        """
        image = self.camera.read()
        if image is None:  # a stalled camera sends black, and health says why
            if self._black is None:
                self._black = np.zeros((480, 640, 3), dtype=np.uint8)
            image = self._black
        else:
            self.last_bgr = image
        return VideoFrame.from_ndarray(image, format="bgr24").reformat(format="yuv420p")


class MicrophoneTrack(MediaStreamTrack):
    """Outgoing audio: 20 ms blocks from a ``drivers.microphone.Microphone``, paced in real time."""

    kind = "audio"

    def __init__(self, microphone: Microphone, stats: MediaStats | None = None) -> None:
        super().__init__()
        self.microphone = microphone
        self.stats = stats if stats is not None else MediaStats()
        #: Muted (by the official in charge, until the citizen unmutes): silence goes out, paced as
        #: ever, so the connection and the call's timing stay as they are.
        self.muted = False
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
        if self.muted:
            pcm = np.zeros_like(pcm)
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._samples
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self.stats.audio_frames_sent += 1
        return frame


class RemoteVideo:
    """The latest remote picture, handed to the screen as RGB bytes at a size fixed by the first frame.

    ``accept`` (on the media loop, for every decoded frame) only keeps the frame.
    It is converted to RGB when the screen asks for it (``rgb``, on the UI
    thread at the screen's own rate), and once per frame: with three remote
    peers at 30 frames a second, converting each on arrival spent the media
    loop's time, which its packets and the websocket need, on pictures the
    screen never showed.
    """

    def __init__(self, stats: MediaStats) -> None:
        self.stats = stats
        self.size: tuple[int, int] | None = None
        self.serial = 0  # bumps with every new picture; the screen blits when it changes
        self._frame: VideoFrame | None = None
        self._rgb: bytes | None = None
        self._rgb_serial = 0
        self._converting = threading.Lock()  # the screen and a screenshot may ask at once

    def accept(self, frame: VideoFrame) -> None:
        if self.size is None:
            self.size = (frame.width, frame.height)
            self.stats.remote_video_size = self.size
            self.stats.first_remote_video_at = time.time()
        self._frame = frame
        self.serial += 1  # after the frame: a reader that sees this serial gets this frame or a newer one
        self.stats.video_frames_received += 1

    @property
    def rgb(self) -> bytes | None:
        """The latest picture as RGB at ``size`` (None before the first)."""
        with self._converting:
            serial, frame = self.serial, self._frame
            if frame is None or self.size is None:
                return None
            if serial != self._rgb_serial:
                w, h = self.size
                self._rgb = frame.to_ndarray(format="rgb24", width=w, height=h).tobytes()
                self._rgb_serial = serial
            return self._rgb


_EMPTY = np.zeros(0, dtype=np.int16)


def dbfs(pcm: np.ndarray) -> float:
    """RMS level of int16 PCM in dB relative to full scale."""
    if pcm.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(pcm.astype(np.float64)))))
    return 20 * math.log10(rms / 32768) if rms > 0 else -120.0


class PeerLink:
    """The peer connection to one remote participant: our tracks out, their picture and voice in."""

    def __init__(
        self,
        peer: str,
        ice_servers: list[RTCIceServer],
        outgoing: tuple[MediaStreamTrack, ...],
        stats: MediaStats,
        on_state: Callable[[str, str], None],
        mixer: Mixer | None = None,
        prepared: PreparedConnection | None = None,
    ) -> None:
        """``prepared``: a connection made in the lobby (its offer made); our tracks go into its
        empty transceivers instead of new ones, so its offer stands."""
        self.peer = peer
        self.stats = stats
        self.mixer = mixer
        self.remote_video = RemoteVideo(stats)
        #: What this peer shares with the citizen (a window), on its own receive-only transceiver.
        self.shared_video = RemoteVideo(MediaStats())
        self.pc = prepared.pc if prepared is not None else RTCPeerConnection(RTCConfiguration(iceServers=ice_servers))
        self._outgoing = outgoing  # this link's copies of the shared camera stream and the microphone
        self._tasks: list[asyncio.Task[None]] = []
        self.pc.on("connectionstatechange", lambda: self._state_changed(on_state))
        self.pc.on("track", self._track)
        for track in outgoing:
            if prepared is not None:
                prepared.attach(track)
            else:
                self.pc.addTrack(track)
        for transceiver in self.pc.getTransceivers():
            sent = transceiver.sender.track
            if isinstance(sent, EncodedVideoTrack):
                if prepared is None:  # a prepared connection's offer is made, VP8 only already
                    send_vp8_only(transceiver)
                feedback_to(transceiver.sender, sent)
        self._share = prepared.share if prepared is not None else add_share_transceiver(self.pc)

    def _state_changed(self, on_state: Callable[[str, str], None]) -> None:
        state = self.pc.connectionState
        if state == "connected":  # which path the call took (types only, no addresses)
            log.info("connected to peer %s over %s", self.peer, selected_pair(self.pc))
        on_state(self.peer, state)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for track in self._outgoing:
            track.stop()  # unsubscribes it from the shared stream or the relay
        await self.pc.close()

    def _track(self, track: MediaStreamTrack) -> None:
        if track is self._share.receiver.track:
            self._tasks.append(asyncio.ensure_future(self._consume_video(track, self.shared_video)))
            return
        if track.kind == "video":
            self._tasks.append(asyncio.ensure_future(self._consume_video(track, self.remote_video)))
        else:
            self._tasks.append(asyncio.ensure_future(self._consume_audio(track)))

    async def _consume_video(self, track: MediaStreamTrack, into: RemoteVideo) -> None:
        try:
            while True:
                into.accept(await track.recv())
        except MediaStreamError:
            pass

    async def _consume_audio(self, track: MediaStreamTrack) -> None:
        """Measure the remote voice and hand it to the playout (the speaker's thread plays it).

        Converted to the playout's 48 kHz mono s16 by libswresample, so a
        decoder's odd rate or layout plays at the right pitch; a frame it
        cannot convert is skipped, not fatal.
        """
        resampler = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        try:
            while True:
                frame = await track.recv()
                self.stats.audio_frames_received += 1
                try:
                    pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in resampler.resample(frame)] or [_EMPTY])
                except (ValueError, av_error.FFmpegError) as exc:
                    log.warning("skipped a remote audio frame that cannot be converted: %s", type(exc).__name__)
                    continue
                self.stats.audio_level_dbfs = dbfs(pcm)
                if self.mixer is not None and pcm.size:
                    self.mixer.push(self.peer, pcm)
        except MediaStreamError:
            pass


class CallMedia:
    """One call's media: camera and microphone, and a ``PeerLink`` per remote peer id.

    Create per call; ``close`` releases everything. A participant joining is
    ``offer(peer)`` for a new peer id, one leaving is ``drop(peer)``.
    """

    def __init__(
        self,
        camera: Camera,
        microphone: Microphone,
        ice_servers: list[RTCIceServer],
        on_state: Callable[[str, str], None],
        mixer: Mixer | None = None,
    ) -> None:
        """``on_state(peer, state)`` reports each connection's state ("connected", "failed", ...);
        ``mixer``: where the remote voices go to be played (none: only measured)."""
        self.mixer = mixer
        self.stats = MediaStats()
        self.camera_track = CameraTrack(camera, self.stats)
        self._microphone_track = MicrophoneTrack(microphone, self.stats)
        self._relay = MediaRelay()
        #: Late camera frames are dropped, not queued, so the picture stays live on a busy booth.
        self._video = SharedVideoEncoder(self._relay.subscribe(self.camera_track, buffered=False))
        self._ice_servers = ice_servers
        self._on_state = on_state
        self._links: dict[str, PeerLink] = {}
        #: One lock per peer: its answer and its trickled candidates arrive in order over the socket but
        #: are applied in tasks of their own; a candidate applied while the answer is still being set
        #: was lost when the answer's own candidates were taken (aiortc: "called without remote description").
        self._signalling: dict[str, asyncio.Lock] = {}
        self._no_video = RemoteVideo(self.stats)

    def set_muted(self, muted: bool) -> None:
        """The booth's microphone off (silence to every peer) or on again."""
        self._microphone_track.muted = muted

    @property
    def muted(self) -> bool:
        return self._microphone_track.muted

    @property
    def video_target_bitrate(self) -> int:
        """Bits a second the camera is encoded at now (for the status file and the benchmark)."""
        return self._video.target_bitrate

    @property
    def peers(self) -> tuple[str, ...]:
        """The peer ids connected (or connecting), in the order they were added."""
        return tuple(self._links)

    @property
    def remote_video(self) -> RemoteVideo:
        """The picture the call screen shows: the first peer's (the official in charge)."""
        return next(iter(self._links.values())).remote_video if self._links else self._no_video

    def link(self, peer: str) -> PeerLink:
        """The connection to ``peer``; raises ``KeyError`` naming it when there is none."""
        try:
            return self._links[peer]
        except KeyError:
            raise KeyError(f"no peer connection to {peer!r}") from None

    async def offer(self, peer: str, prepared: PreparedConnection | None = None) -> str:
        """A new connection to ``peer`` and its offer (a new offer to a known peer starts it over).

        With ``prepared`` (made and gathered while the citizen waited in the lobby) the offer is
        the one already made: no gathering now, so Admit reaches the first frame sooner."""
        old = self._links.get(peer)
        if old is not None:
            await old.close()  # the new link takes its place, and keeps it in the order
        outgoing = (
            self._video.subscribe(),
            self._relay.subscribe(self._microphone_track),
        )
        ready = prepared is not None and prepared.offer_sdp is not None
        link = PeerLink(
            peer, self._ice_servers, outgoing, self.stats, self._on_state, self.mixer, prepared if ready else None
        )
        self._links[peer] = link
        if ready:
            assert prepared is not None and prepared.offer_sdp is not None
            sdp = prepared.offer_sdp
        else:
            await link.pc.setLocalDescription(await link.pc.createOffer())
            sdp = link.pc.localDescription.sdp
        log.info("offer to peer %s (%s): candidates %s", peer, "prepared" if ready else "new", candidate_summary(sdp))
        return offer_sdp(sdp)

    def _in_order(self, peer: str) -> asyncio.Lock:
        """The peer's signalling lock: its steps are applied in the order they were started (FIFO)."""
        return self._signalling.setdefault(peer, asyncio.Lock())

    async def apply_answer(self, peer: str, sdp: str) -> None:
        log.info("answer from peer %s: candidates %s", peer, candidate_summary(sdp))
        async with self._in_order(peer):
            pc = self.link(peer).pc
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
            for candidate in bundled_candidates(sdp):
                await pc.addIceCandidate(candidate)

    async def add_ice(self, peer: str, candidate: str, sdp_mid: str | None, sdp_mline_index: int | None) -> None:
        if not candidate:
            return
        cand = candidate_from_sdp(candidate.removeprefix("candidate:"))
        cand.sdpMid, cand.sdpMLineIndex = sdp_mid, sdp_mline_index
        async with self._in_order(peer):  # after the answer that came before it, never during it
            await self.link(peer).pc.addIceCandidate(cand)

    async def drop(self, peer: str) -> None:
        """Close the connection to a peer who left; the others go on."""
        link = self._links.pop(peer, None)
        if link is not None:
            await link.close()
        if self.mixer is not None:
            self.mixer.remove(peer)

    async def close(self) -> None:
        links, self._links = list(self._links.values()), {}
        for link in links:
            await link.close()
        self._video.close()
        self.camera_track.stop()
        self._microphone_track.stop()


class PreparedConnection:
    """A peer connection made while the citizen waits in the lobby, its offer made in advance.

    aiortc gathers every ICE candidate before the offer (no trickle), and with
    STUN or TURN servers that waits for them: 5 s for one that does not answer
    (measured: bench/README.md, call_setup). Made in the lobby, the wait is
    spent while the citizen waits anyway. It has a video and an audio
    transceiver with no track: nothing can be sent before Admit (there is no
    connection until the official's answer, and no track until ``attach``).
    """

    def __init__(self, ice_servers: list[RTCIceServer]) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=ice_servers))
        # In the order ``CallMedia.offer`` adds its tracks: camera, then microphone.
        self._transceivers = [self.pc.addTransceiver("video"), self.pc.addTransceiver("audio")]
        send_vp8_only(self._transceivers[0])  # the camera goes out as one shared VP8 stream
        self.share = add_share_transceiver(self.pc)
        self.offer_sdp: str | None = None

    async def gather(self) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        self.offer_sdp = self.pc.localDescription.sdp

    def attach(self, track: MediaStreamTrack) -> None:
        """Send ``track`` on the transceiver of its kind (the call has begun)."""
        for transceiver in self._transceivers:
            if transceiver.kind == track.kind and transceiver.sender.track is None:
                transceiver.sender.replaceTrack(track)
                return
        raise ValueError(f"no free {track.kind} transceiver in the prepared connection")

    async def close(self) -> None:
        await self.pc.close()


#: The RTP header extension aiortc's receive-side bandwidth estimate is computed from.
ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"


def offer_sdp(sdp: str) -> str:
    """The booth's offer as sent: without the abs-send-time extension, so that no peer is told to slow
    down by the booth's own receive-side estimate (REMB).

    aiortc estimates the bitrate a peer may send from when each packet's
    arrival is *handled* on the media loop, not when it reached the socket.
    On a busy booth PC that delay is the CPU's, yet it reads as a congested
    network: measured in the four-party test, the booth told a sign-language
    interpreter's browser 30 kbit/s on loopback, and her picture arrived at 10
    frames a second. Without the extension the browser paces its video to
    the booth by loss and round-trip time (RTCP receiver reports) alone, which
    a slow booth does not distort. The other way round nothing changes: the
    browser's own estimate of the booth's video still reaches the booth's
    encoder (``kiosk.shared_video``).
    """
    return "".join(line for line in sdp.splitlines(keepends=True) if ABS_SEND_TIME not in line)


def bundled_candidates(sdp: str) -> list[RTCIceCandidate]:
    """The ICE candidates of a BUNDLE answer, addressed to the bundle's first m-line.

    Why: aiortc (1.16) keeps, per ICE transport, the candidates of only the LAST m-line that
    uses it. Our offer's video line and the receive-only share line share one transport
    (bundle policy "balanced": one transport per kind), and a browser puts its candidates on
    the bundle's first line only, so the share line's empty list replaced them: the booth never
    learnt the official's relay candidates. With UDP open the call still connected (the
    browser's checks taught the booth peer-reflexive ones); with only TURN over TCP/TLS out,
    nothing did. Adding them again is harmless (aioice ignores a known address) and makes the
    answer's candidates count whatever the m-lines share. Empty without a BUNDLE group."""
    description = SessionDescription.parse(sdp)
    bundle = next((group for group in description.group if group.semantic == "BUNDLE" and group.items), None)
    if bundle is None:
        return []
    mid = bundle.items[0]
    index = next((i for i, media in enumerate(description.media) if media.rtp.muxId == mid), None)
    out: list[RTCIceCandidate] = []
    for media in description.media:
        if media.rtp.muxId not in bundle.items:
            continue
        for candidate in media.ice_candidates:
            candidate.sdpMid, candidate.sdpMLineIndex = mid, index
            out.append(candidate)
    return out


def add_share_transceiver(pc: RTCPeerConnection) -> RTCRtpTransceiver:
    """A receive-only video transceiver, last in the offer, for a window the peer shares.

    Made at call start because aiortc cannot renegotiate: the official's page answers it
    ``sendonly`` with no track and starts sending with ``replaceTrack`` when the official
    confirms; other peers answer it ``inactive``. Its track never goes into the camera picture."""
    return pc.addTransceiver("video", direction="recvonly")


def _turn_rank(url: str) -> int:
    """aiortc uses the first TURN URL it is given and ignores the rest, so the booth puts first the
    one that passes the most firewalls: TLS (443), then TCP, then UDP. ICE still prefers direct
    pairs when they work; the relay is the way out when nothing else gets through."""
    if url.startswith("turns:"):
        return 0
    if url.startswith("turn:") and url.endswith("transport=tcp"):
        return 1
    return 2


def ice_servers_from(servers: Iterable[IceServer]) -> list[RTCIceServer]:
    """The backend's ICE servers for this call as aiortc's, with their credentials; the TURN URL
    aiortc will use first (see ``_turn_rank``). Empty: host candidates only (no public STUN)."""
    out: list[RTCIceServer] = []
    for server in servers:
        urls = sorted(server.urls, key=_turn_rank)
        out.append(RTCIceServer(urls=urls, username=server.username or None, credential=server.credential or None))
    return out
